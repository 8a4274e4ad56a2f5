from vendorkit.auth import BaseAuthService, BaseTokenStore


def get_auth_service() -> BaseAuthService:
    from .auth import AuthService

    return AuthService(settings=None)


def get_token_store() -> BaseTokenStore:
    from .auth import MemoryTokens

    return MemoryTokens()

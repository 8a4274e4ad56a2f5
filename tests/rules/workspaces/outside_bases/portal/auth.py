"""A service implementing the base class of a package that is not installed (``vendorkit``)."""

import hmac

from vendorkit.auth import BaseAuthService, BaseTokenStore
from vendorkit.settings import SettingsService


class AuthService(BaseAuthService):
    def __init__(self, settings: SettingsService):
        self.settings = settings

    def verify_password(self, plain: str, hashed: str) -> bool:
        return self.settings.auth.pwd_context.verify(plain, hashed)

    def same_token(self, given: str, expected: str) -> bool:
        return hmac.compare_digest(given, expected)

    def hash_password(self, plain: str) -> str:
        return self.settings.auth.pwd_context.hash(plain)


class MemoryTokens(BaseTokenStore):
    def rotate(self, secret: str) -> str:
        return secret[::-1]


class HashedTokens(BaseTokenStore):
    def rotate(self, secret: str) -> str:
        return self.settings.pwd_context.hash(secret)


class PlainContext:
    def verify(self, plain: str, hashed: str) -> bool:
        return plain == hashed


class LocalChecker:
    def __init__(self):
        self.pwd_context = PlainContext()

    def check(self, plain: str, hashed: str) -> bool:
        return self.pwd_context.verify(plain, hashed)  # the workspace's own class: its body answers

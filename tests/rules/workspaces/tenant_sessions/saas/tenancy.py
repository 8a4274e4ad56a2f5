from contextvars import ContextVar

CURRENT_TENANT: ContextVar[str] = ContextVar("current_tenant", default="public")


def current_tenant() -> str:
    return CURRENT_TENANT.get()

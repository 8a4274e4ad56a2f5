"""The project's own routers: a subclass with its own decorator, an app subclass, a factory."""

from fastapi import APIRouter, Depends, FastAPI


def require_user():
    return {"id": 1}


class SecureRouter(APIRouter):
    def secure_get(self, path: str, **kwargs):
        return self.get(path, dependencies=[Depends(require_user)], **kwargs)


class Application(FastAPI):
    pass


def make_router(prefix: str) -> APIRouter:
    return APIRouter(prefix=prefix)

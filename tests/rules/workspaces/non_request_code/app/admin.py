"""Routes registered by a start-up hook still serve requests."""

import time
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .factory import make_lifespan


def register(app: FastAPI) -> None:
    def banner() -> str:
        return "admin"

    @app.get("/admin/ping")
    async def ping():  # error: FAP201
        time.sleep(1)  # error: FAP103
        return {"banner": banner()}


@asynccontextmanager
async def admin_lifespan(app: FastAPI):
    register(app)
    yield


admin = FastAPI(lifespan=admin_lifespan)


def build_reports_app() -> FastAPI:
    settings = {"title": "reports"}
    settings["lifespan"] = make_lifespan()
    return FastAPI(**settings)


def install_timing(app: FastAPI) -> None:
    @app.middleware("http")
    async def timing(request, call_next):
        time.sleep(0.01)  # error: FAP103
        return await call_next(request)


install_timing(admin)


async def on_conflict(request, exc):
    time.sleep(0.01)  # error: FAP103
    return None


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ValueError, on_conflict)  # handed on at start-up, called per request


install_handlers(admin)

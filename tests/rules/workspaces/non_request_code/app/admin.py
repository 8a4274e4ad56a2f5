"""Routes registered by a start-up hook still serve requests."""

import time
from contextlib import asynccontextmanager

from fastapi import FastAPI


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

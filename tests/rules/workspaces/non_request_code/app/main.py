"""Start-up, shutdown and request code side by side: only what serves a request is reported."""

import asyncio
import shutil
import time
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .startup import seed_database, warm_caches
from .services import export_report, refresh_index


@asynccontextmanager
async def lifespan(app: FastAPI):
    time.sleep(0.1)  # start-up, before the first request
    await seed_database()
    await prepare_folders()
    asyncio.create_task(refresh_forever())
    yield
    shutil.rmtree("/tmp/app-cache")  # shutdown, after the last


async def prepare_folders():
    """Awaited only by the lifespan: serves no request either."""
    shutil.rmtree("/tmp/app-scratch", ignore_errors=True)


async def refresh_forever():
    """A task on the server's own loop: it runs beside every request."""
    while True:
        refresh_index()  # error: FAP104
        await asyncio.sleep(60)


app = FastAPI(lifespan=lifespan)


@app.on_event("startup")
async def open_pools():
    time.sleep(0.1)


async def on_shutdown_hook():
    time.sleep(0.1)


app.add_event_handler("shutdown", on_shutdown_hook)


@app.get("/report")
async def report():  # error: FAP201
    export_report()  # error: FAP104
    return {"ok": True}


@app.post("/test-connection")
async def test_connection():  # error: FAP201
    """A route named ``test_*`` is a route, not a test."""
    time.sleep(1)  # error: FAP103
    return {"ok": True}


@app.get("/warm")
async def warm():
    await warm_caches()
    return {}


async def main():
    time.sleep(1)


if __name__ == "__main__":
    asyncio.run(main())

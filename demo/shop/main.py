"""The application: routers, a cached lookup and a startup check."""

import asyncio
from functools import lru_cache

from fastapi import FastAPI

from .accounts import router as accounts_router
from .catalog import router as catalog_router
from .insights import router as insights_router
from .orders import router as orders_router

app = FastAPI(title="Demo shop")
app.include_router(catalog_router)
app.include_router(orders_router)
app.include_router(accounts_router)
app.include_router(insights_router)


@lru_cache(maxsize=16)  # error: FAP601
async def exchange_rate(currency: str) -> float:
    await asyncio.sleep(0)
    return {"EUR": 1.0, "USD": 1.08}.get(currency, 1.0)


@lru_cache
def settings() -> dict:
    return {"currency": "EUR"}


async def warm_up() -> float:
    await asyncio.sleep(0)
    return 1.0


@app.get("/health")
async def health():
    return {"status": "ok", "currency": settings()["currency"]}


@app.get("/ready")
async def ready():
    rate = asyncio.run(warm_up())  # error: FAP108
    await asyncio.sleep(0)
    return {"rate": rate}


if __name__ == "__main__":
    asyncio.run(warm_up())

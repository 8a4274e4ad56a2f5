import asyncio

from fastapi import Depends, FastAPI
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.helpers import Stats, maybe_commit, orders_summary, shout, total_orders

app = FastAPI()


def get_db():
    yield Session()


async def get_async_db():
    yield AsyncSession()


@app.get("/orders/{user_id}/total")
async def total(user_id: int, db: Session = Depends(get_db)):
    await asyncio.sleep(0)
    return total_orders(db, user_id)  # error: FAP101 "total → total_orders → Session.scalar"


@app.get("/orders/{user_id}/summary")
async def summary(user_id: int, db: Session = Depends(get_db)):
    await asyncio.sleep(0)
    return orders_summary(db, user_id=user_id)  # error: FAP101


@app.get("/orders/{user_id}/rows")
async def rows(user_id: int, db: Session = Depends(get_db)):
    await asyncio.sleep(0)
    return Stats().rows(db)  # error: FAP101


@app.get("/orders/{user_id}/async")
async def async_total(user_id: int, db: AsyncSession = Depends(get_async_db)):
    await asyncio.sleep(0)
    return total_orders(db, user_id)  # an AsyncSession's scalar returns a coroutine: nothing blocks here


@app.get("/orders/{user_id}/offloaded")
async def offloaded(user_id: int, db: Session = Depends(get_db)):
    return await run_in_threadpool(total_orders, db, user_id)


@app.post("/orders/{user_id}/commit")
async def commit(user_id: int, db: Session = Depends(get_db)):
    await asyncio.sleep(0)
    maybe_commit(db, False)
    return {"user": shout(str(user_id))}

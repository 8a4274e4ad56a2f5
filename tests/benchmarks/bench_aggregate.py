#!/usr/bin/env python3
"""What FAP602 and FAP603 are about, measured: an aggregate per request, and a response nobody caches.

    pip install -e '.[bench]'          # FastAPI, SQLAlchemy 2, cachetools
    python tests/benchmarks/bench_aggregate.py [--rows 200000]

Requests go through the real FastAPI application in this process (the ASGI
callable, no server), against a SQLite file. It prints tables and asserts
nothing: the figures go into the rules' docs.

- *aggregate* (FAP602): `GET /stats` counts orders by status
  (`select(Order.status, func.count()).group_by(Order.status)`) on every
  request, or through `cachetools.cached(TTLCache(ttl=30))`; and, for the
  lesson that a paginated total is no candidate, the cost of the page query
  beside its count.
- *reference data* (FAP603): what a `GET /currencies` returning a constant
  costs the server per request; with `Cache-Control: max-age` a browser or
  CDN answers repeat requests without reaching it at all.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

import fastapi
import sqlalchemy
from cachetools import TTLCache, cached
from fastapi import Depends, FastAPI
from sqlalchemy import Integer, String, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

sys.path.insert(0, str(Path(__file__).parent))
from asgi_client import request  # noqa: E402

STATUSES = ("new", "paid", "shipped", "delivered", "cancelled")
CURRENCIES = [{"code": code, "decimals": 2} for code in ("EUR", "USD", "GBP", "JPY", "CHF", "SEK", "NOK", "DKK")]


class Base(DeclarativeBase):
    pass


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    owner_id: Mapped[int] = mapped_column(Integer, index=True)


def build(path: str, rows: int) -> FastAPI:
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        db.execute(
            Order.__table__.insert(),
            [{"id": i, "status": STATUSES[i % len(STATUSES)], "owner_id": i % 1000} for i in range(1, rows + 1)],
        )
        db.commit()
    SessionLocal = sessionmaker(bind=engine)
    app = FastAPI()

    def get_db():
        with SessionLocal() as db:
            yield db

    def order_counts(db: Session) -> dict:
        return dict(db.execute(select(Order.status, func.count()).group_by(Order.status)).all())

    @cached(TTLCache(maxsize=1, ttl=30), key=lambda db: "orders")
    def cached_order_counts(db: Session) -> dict:
        return order_counts(db)

    @app.get("/stats")
    def stats(db: Session = Depends(get_db)):
        return order_counts(db)

    @app.get("/stats-cached")
    def stats_cached(db: Session = Depends(get_db)):
        return cached_order_counts(db)

    @app.get("/orders")
    def orders(skip: int = 0, limit: int = 20, db: Session = Depends(get_db)):
        page = db.scalars(select(Order).order_by(Order.id).offset(skip).limit(limit)).all()
        return {"items": [o.id for o in page]}

    @app.get("/orders-with-total")
    def orders_with_total(skip: int = 0, limit: int = 20, db: Session = Depends(get_db)):
        total = db.scalar(select(func.count()).select_from(Order))
        page = db.scalars(select(Order).order_by(Order.id).offset(skip).limit(limit)).all()
        return {"total": total, "items": [o.id for o in page]}

    @app.get("/currencies")
    def currencies():
        return CURRENCIES

    return app


async def timed(app, path: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        status, seconds = await request(app, "GET", path)
        assert status == 200, (path, status)
        times.append(seconds)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def main(rows: int, count: int) -> None:
    print(f"# bench_aggregate: Python {platform.python_version()}, FastAPI {fastapi.__version__}, "
          f"SQLAlchemy {sqlalchemy.__version__}, {os.cpu_count()} CPUs, {sys.platform}")
    with tempfile.TemporaryDirectory() as folder:
        app = build(os.path.join(folder, "orders.db"), rows)
        cases = [
            ("/stats", f"FAP602: `group_by` count over {rows:,} orders, every request"),
            ("/stats-cached", "the same behind `cachetools.cached(TTLCache(ttl=30))`"),
            ("/orders", "a page of 20 orders"),
            ("/orders-with-total", "the same page with its total `count()`"),
            ("/currencies", "FAP603: a constant list of 8 currencies"),
        ]
        for path, _ in cases:
            await timed(app, path, 5)  # warm up
        results: dict[str, list[float]] = {path: [] for path, _ in cases}
        for _ in range(5):  # interleaved, so that other load on the machine hits all alike
            for path, _ in cases:
                results[path] += await timed(app, path, count // 5)
        print(f"\n### {count} sequential requests per route\n")
        print("| route | median ms | p95 ms | requests/s (one worker) |")
        print("|---|---:|---:|---:|")
        for path, label in cases:
            median = statistics.median(results[path])
            print(f"| {label} | {median * 1e3:.2f} | {p95(results[path]) * 1e3:.2f} | {1 / median:,.0f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.rows, args.requests))

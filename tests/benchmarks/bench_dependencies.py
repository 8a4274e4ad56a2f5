#!/usr/bin/env python3
"""What FAP401 and FAP402 cost, measured: two sessions and duplicate loads per request.

    pip install -e '.[bench]'          # FastAPI, SQLAlchemy 2
    python tests/benchmarks/bench_dependencies.py [--requests 400]

Requests go through the real FastAPI application in this process (the ASGI
callable, no server and no sockets), against a SQLite file with 1,000 users
and 1,000 items. It prints tables; it asserts nothing: the figures go into
the rules' docs.

- *pool*: 20 concurrent requests to `def` routes (FastAPI's threadpool),
  each holding its session(s) for 20 ms of work, against a `QueuePool` of 5
  connections, no overflow, 1 s timeout: one session dependency shared by
  the auth dependency and the route, versus a second session callable.
- *sequential*: one request at a time, the per-request cost of the second
  session, and of loading the current user twice (FAP402): once with a
  `select(...)` in a second dependency, once through `session.get`, which
  the session's identity map answers without a query.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import fastapi
import sqlalchemy
from fastapi import Depends, FastAPI, Header
from sqlalchemy import ForeignKey, Integer, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import QueuePool

sys.path.insert(0, str(Path(__file__).parent))
from asgi_client import request  # noqa: E402

WORK_SECONDS = 0.02
CONCURRENCY = 20


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(50))


# -- the applications --------------------------------------------------------------------


def build(path: str, pool_size: int = 5):
    engine = create_engine(
        f"sqlite:///{path}", poolclass=QueuePool, pool_size=pool_size, max_overflow=0, pool_timeout=1,
        connect_args={"check_same_thread": False},
    )
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        if db.scalar(select(User.id).limit(1)) is None:
            db.add_all(User(id=i, name=f"user {i}") for i in range(1, 1001))
            db.add_all(Item(id=i, owner_id=i, title=f"item {i}") for i in range(1, 1001))
            db.commit()
    SessionLocal = sessionmaker(bind=engine)
    OtherSession = sessionmaker(bind=engine)  # a second session callable, as in "a read-only session"
    app = FastAPI()

    def get_db():
        with SessionLocal() as db:
            yield db

    def get_other_db():
        with OtherSession() as db:
            yield db

    def current_user(x_user: int = Header(), db: Session = Depends(get_db)):
        return db.execute(select(User).where(User.id == x_user)).scalar_one()

    def current_user_get(x_user: int = Header(), db: Session = Depends(get_db)):
        return db.get(User, x_user)

    def require_member(x_user: int = Header(), db: Session = Depends(get_db)):  # loads the user again
        return db.execute(select(User).where(User.id == x_user)).scalar_one()

    def require_member_get(x_user: int = Header(), db: Session = Depends(get_db)):
        return db.get(User, x_user)

    def require_member_chained(user: User = Depends(current_user)):
        return user

    def work(db: Session, user: User, hold: bool) -> dict:
        item = db.execute(select(Item).where(Item.owner_id == user.id)).scalar_one()
        if hold:
            time.sleep(WORK_SECONDS)
        return {"item": item.title}

    @app.get("/one-session")
    def one_session(hold: bool = False, user=Depends(current_user), db: Session = Depends(get_db)):
        return work(db, user, hold)

    @app.get("/two-sessions")
    def two_sessions(hold: bool = False, user=Depends(current_user), db: Session = Depends(get_other_db)):
        return work(db, user, hold)

    @app.get("/load-once")
    def load_once(user=Depends(current_user), member=Depends(require_member_chained), db: Session = Depends(get_db)):
        return work(db, user, False)

    @app.get("/load-twice-select")
    def load_twice(user=Depends(current_user), member=Depends(require_member), db: Session = Depends(get_db)):
        return work(db, user, False)

    @app.get("/load-twice-get")
    def load_twice_get(user=Depends(current_user_get), member=Depends(require_member_get), db: Session = Depends(get_db)):
        return work(db, user, False)

    return app, engine


# -- measurements ----------------------------------------------------------------------


async def pool_round(app, path: str) -> tuple[int, list[float], float]:
    start = time.perf_counter()
    results = await asyncio.gather(
        *(request(app, "GET", f"{path}?hold=true", {"x-user": str(i % 1000 + 1)}) for i in range(CONCURRENCY))
    )
    wall = time.perf_counter() - start
    failed = sum(1 for status, _ in results if status != 200)
    return failed, [seconds for status, seconds in results if status == 200], wall


async def sequential(app, path: str, count: int) -> list[float]:
    times = []
    for i in range(count):
        status, seconds = await request(app, "GET", path, {"x-user": str(i % 1000 + 1)})
        assert status == 200, (path, status)
        times.append(seconds)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else float("nan")


async def main(count: int, rounds: int) -> None:
    print(f"# bench_dependencies: Python {platform.python_version()}, FastAPI {fastapi.__version__}, "
          f"SQLAlchemy {sqlalchemy.__version__}, {os.cpu_count()} CPUs, {sys.platform}")
    with tempfile.TemporaryDirectory() as folder:
        app, engine = build(os.path.join(folder, "bench.db"))
        await sequential(app, "/one-session", 20)  # warm up

        print(f"\n### FAP401: {CONCURRENCY} concurrent requests, pool of 5, no overflow, 1 s timeout ({rounds} rounds)\n")
        print("| dependencies | failed requests | median latency ms | p95 ms | wall per round ms |")
        print("|---|---:|---:|---:|---:|")
        for path, label in (("/one-session", "one session callable"), ("/two-sessions", "two session callables")):
            failed, latencies, walls = 0, [], []
            for _ in range(rounds):
                f, ok, wall = await pool_round(app, path)
                failed += f
                latencies += ok
                walls.append(wall)
            total = rounds * CONCURRENCY
            median = statistics.median(latencies) if latencies else float("nan")
            print(f"| {label} | {failed}/{total} | {median * 1e3:.1f} | "
                  f"{p95(latencies) * 1e3:.1f} | {statistics.median(walls) * 1e3:.0f} |")

        print(f"\n### Sequential requests, {count} each (interleaved in 4 rounds)\n")
        print("| route | median µs | p95 µs | vs first |")
        print("|---|---:|---:|---:|")
        paths = [
            ("/one-session", "one session"),
            ("/two-sessions", "FAP401: a second session callable"),
            ("/load-once", "user loaded once (chained dependency)"),
            ("/load-twice-select", "FAP402: user loaded again with `select` in a second dependency"),
            ("/load-twice-get", "user loaded again with `session.get` (identity map)"),
        ]
        results: dict[str, list[float]] = {p: [] for p, _ in paths}
        for _ in range(4):
            for path, _ in paths:
                results[path] += await sequential(app, path, count // 4)
        base = statistics.median(results["/one-session"])
        for path, label in paths:
            median = statistics.median(results[path])
            print(f"| {label} | {median * 1e6:,.0f} | {p95(results[path]) * 1e6:,.0f} | {median / base:.2f}x |")
        engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.rounds))

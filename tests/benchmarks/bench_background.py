#!/usr/bin/env python3
"""What FAP501 and FAP502 are about, measured: background tasks in the web process.

    pip install -e '.[bench]'          # FastAPI
    python tests/benchmarks/bench_background.py [--seconds 3]

Requests go through the real FastAPI application in this process (the ASGI
callable, no server). It prints tables and asserts nothing: the figures go
into the rules' docs.

- *latency* (FAP502): a client calls a cheap `GET /ping` every 5 ms while,
  every 250 ms, a `POST /work` schedules a background task that takes 100 ms:
  `time.sleep` in an `async def` task (blocks the loop), the same in a `def`
  task (threadpool), pure-Python CPU work in a `def` task, or no task. The
  table gives the latency `/ping` sees, counted from when each ping was due.
- *loss* (FAP501): 2,000 requests each schedule a task that "sends an
  email" which fails 2 % of the time (a timeout, a 5xx from the provider).
  Every client got its 200 before the task ran; the table counts what was
  delivered, without and with a retry (three attempts).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

import fastapi
from fastapi import BackgroundTasks, FastAPI

sys.path.insert(0, str(Path(__file__).parent))
from asgi_client import request  # noqa: E402

TASK_SECONDS = 0.1
EVERY = 0.25
PING_EVERY = 0.005


def cpu_work(seconds: float) -> int:
    end, total = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        total += sum(i * i for i in range(1000))
    return total


def build_app() -> FastAPI:
    app = FastAPI()

    async def blocking_async_task() -> None:
        time.sleep(TASK_SECONDS)

    def blocking_sync_task() -> None:
        time.sleep(TASK_SECONDS)

    def cpu_sync_task() -> None:
        cpu_work(TASK_SECONDS)

    tasks = {"none": None, "async-sleep": blocking_async_task, "def-sleep": blocking_sync_task, "def-cpu": cpu_sync_task}

    @app.get("/ping")
    async def ping():
        return {"ok": True}

    @app.post("/work/{kind}")
    async def work(kind: str, background_tasks: BackgroundTasks):
        task = tasks[kind]
        if task is not None:
            background_tasks.add_task(task)
        return {"queued": kind}

    return app


async def latency_case(app: FastAPI, kind: str, seconds: float) -> list[float]:
    stop = time.perf_counter() + seconds
    latencies: list[float] = []

    async def scheduler():
        pending = []
        while time.perf_counter() < stop:
            pending.append(asyncio.ensure_future(request(app, "POST", f"/work/{kind}")))
            await asyncio.sleep(EVERY)
        await asyncio.gather(*pending)

    async def client():
        # Open loop: a ping is due every 5 ms, and its latency counts from when it was due,
        # so time the loop spends blocked (when no request can even start) is seen.
        start, due = time.perf_counter(), 0
        while time.perf_counter() < stop:
            scheduled = start + due * PING_EVERY
            due += 1
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            status, _ = await request(app, "GET", "/ping")
            assert status == 200
            latencies.append(time.perf_counter() - scheduled)

    await asyncio.gather(scheduler(), client())
    return latencies


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def loss_case(attempts: int, requests: int, failure_rate: float, seed: int) -> tuple[int, int]:
    rng = random.Random(seed)
    delivered = 0
    app = FastAPI()

    async def send_email() -> None:
        nonlocal delivered
        for attempt in range(attempts):
            if rng.random() >= failure_rate:
                delivered += 1
                return
            if attempt == attempts - 1:
                raise TimeoutError("SMTP timed out")

    @app.post("/signup")
    async def signup(background_tasks: BackgroundTasks):
        background_tasks.add_task(send_email)
        return {"ok": True}

    ok = 0
    for _ in range(requests):
        status, _ = await request(app, "POST", "/signup")  # a failing task raises after the response: still 200
        ok += status == 200
    return ok, delivered


async def main(seconds: float) -> None:
    print(f"# bench_background: Python {platform.python_version()}, FastAPI {fastapi.__version__}, "
          f"{os.cpu_count()} CPUs, {sys.platform}")
    app = build_app()
    await latency_case(app, "none", 0.3)  # warm up
    print(f"\n### FAP502: `/ping` latency while a {TASK_SECONDS * 1e3:.0f} ms task is scheduled every {EVERY * 1e3:.0f} ms ({seconds:.0f} s each)\n")
    print("| background task | pings | median ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    labels = {
        "none": "none",
        "async-sleep": "`async def` task calling `time.sleep` (blocks the loop)",
        "def-sleep": "`def` task calling `time.sleep` (threadpool)",
        "def-cpu": "`def` task, pure-Python CPU work (threadpool)",
    }
    for kind, label in labels.items():
        latencies = await latency_case(app, kind, seconds)
        print(f"| {label} | {len(latencies)} | {statistics.median(latencies) * 1e3:.2f} | "
              f"{pct(latencies, 0.99) * 1e3:.1f} | {max(latencies) * 1e3:.1f} |")

    print("\n### FAP501: 2,000 sign-ups, the email provider fails 2 % of calls\n")
    print("| task | clients told OK | emails delivered | lost |")
    print("|---|---:|---:|---:|")
    for attempts, label in ((1, "`add_task`, no retry"), (3, "with a retry (3 attempts)")):
        ok, delivered = await loss_case(attempts, 2000, 0.02, seed=7)
        print(f"| {label} | {ok} | {delivered} | {ok - delivered} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    asyncio.run(main(parser.parse_args().seconds))

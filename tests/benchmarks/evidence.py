#!/usr/bin/env python3
"""Evidence for the advice of categories 1 and 2: what each fix buys under load.

For every rule of those categories, the rule page's *Example* and its *Use
instead* (taken from the rule's docstring) are served by uvicorn on
loopback, each in its own server with one event loop, and driven in turn
with the same bounded load: a fixed number of requests, a fixed number at a
time, while a cheap ``/ping`` route (added to both apps) is requested every
10 ms to measure how long the event loop makes a request wait. The two
variants alternate for a few rounds, so a busy machine slows both alike and
their ratio holds; the spread between rounds is reported as the noise.

What the docstring code needs to run is supplied around it, never in it,
except where a rule's harness says otherwise (each page lists it): a
loopback upstream for HTTP calls, SQLite for databases, a Redis stand-in
(fakeredis' TCP server), a ``convert`` stand-in on ``PATH``.

    python tests/benchmarks/evidence.py              # every rule
    python tests/benchmarks/evidence.py --rule FAP103

writes docs/rules/evidence/FAP103.json and .svg (``--redraw`` only redraws the
charts from the JSON); ``python scripts/gen_docs.py`` then puts them on the
rule's page. Needs the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "server"))
EVIDENCE = ROOT / "docs" / "rules" / "evidence"
SCHEMA_VERSION = 1
ROUNDS = 3
PING_EVERY_S = 0.010
VARIANT_TIMEOUT_S = 30.0
UPSTREAM_DELAY_S = 0.020
SLOW_QUERY = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) SELECT count(*) FROM c"
"""About 5 ms of SQLite's time (it releases the GIL while it works), standing in for a database's."""


@dataclass(frozen=True)
class Harness:
    method: str
    path: str
    requests: int
    concurrency: int
    note: str
    """What the page says about how the code was run."""
    substitutions: tuple[tuple[str, str], ...] = ()
    """Text replaced in the docstring code; ``{upstream}`` is the loopback upstream's URL."""
    setup: str = ""
    """Run in the served module after the app is imported: ``main`` is the docstring's module."""
    support: dict[str, str] = field(default_factory=dict)
    """Modules beside it, for docstring code that imports from its package."""
    services: tuple[str, ...] = ()


HARNESSES: dict[str, Harness] = {
    "FAP101": Harness(
        "GET", "/users/1", 200, 10,
        "Both session factories are bound to a SQLite file (the async one through aiosqlite), and `select(1)` "
        "runs a query that keeps SQLite busy for about 5 ms, standing in for a database doing work. Ten at a "
        "time, not twenty: with more requests in flight than the engine's pool has connections (5 + 10 "
        "overflow), the Example deadlocks for the pool's 30 s timeout, the loop blocked in a checkout while the "
        "sessions that hold the connections wait for the loop to close them.",
        setup=f"""
from sqlalchemy import text
if hasattr(main, "AsyncSession"):
    from sqlalchemy.ext.asyncio import create_async_engine
    main.SessionLocal.configure(bind=create_async_engine("sqlite+aiosqlite:///" + os.environ["EVIDENCE_DB"]))
else:
    from sqlalchemy import create_engine
    main.SessionLocal.configure(bind=create_engine("sqlite:///" + os.environ["EVIDENCE_DB"]))
main.select = lambda *args: text({SLOW_QUERY!r})
""",
        services=("sqlite",),
    ),
    "FAP102": Harness(
        "GET", "/weather/paris", 100, 20,
        f"The weather API is a loopback server that answers after {UPSTREAM_DELAY_S * 1000:.0f} ms.",
        substitutions=(("https://api.example.com", "{upstream}"),),
        services=("upstream",),
    ),
    "FAP103": Harness(
        "POST", "/jobs", 60, 20,
        "The sleep is shortened from 0.5 s to 0.05 s so that the blocking variant finishes in seconds.",
        substitutions=(("sleep(0.5)", "sleep(0.05)"),),
    ),
    "FAP104": Harness(
        "GET", "/reports/q3", 400, 20,
        "The path does not exist: each request is one `stat` of a local, cached directory, which takes "
        "microseconds, so the difference is mostly the cost of the thread-pool hop against this machine's "
        "noise. What offloading buys shows on slow or network file systems, which a loopback benchmark does "
        "not have.",
    ),
    "FAP105": Harness(
        "POST", "/login?password=hunter2&stored_hash={bcrypt_hash}", 40, 8,
        "`stored_hash` is a bcrypt hash of cost 9 (about 30 ms a verification on this machine; a real "
        "application's cost of 12 takes eight times as long).",
    ),
    "FAP106": Harness(
        "POST", "/thumbnails/photo.png", 60, 20,
        "`convert` is a stand-in on `PATH` that sleeps 50 ms, the time of a small ImageMagick resize.",
        services=("convert",),
    ),
    "FAP107": Harness(
        "GET", "/counter", 1000, 20,
        "Both clients talk to fakeredis' TCP server on loopback, which answers in a fraction of a millisecond: "
        "the sync client blocks the loop for one loopback round trip per command; a Redis across a network "
        "blocks it for that network's round trip.",
        setup="main.cache = type(main.cache)(host='127.0.0.1', port=int(os.environ['EVIDENCE_REDIS_PORT']))",
        services=("redis",),
    ),
    "FAP108": Harness(
        "GET", "/rates", 300, 20,
        "`asyncio.run()` cannot start a loop inside the running one: every request of the Example fails "
        "with `RuntimeError` (HTTP 500).",
    ),
    "FAP201": Harness(
        "GET", "/orders", 150, 20,
        "`get_session` opens a SQLite connection and `load_orders` runs a query that keeps SQLite busy for "
        "about 5 ms (modules beside the example).",
        support={
            "db.py": (
                "import os\nimport sqlite3\n\n\ndef get_session():\n"
                "    connection = sqlite3.connect(os.environ['EVIDENCE_DB'], check_same_thread=False)\n"
                "    try:\n        yield connection\n    finally:\n        connection.close()\n"
            ),
            "repository.py": f"SLOW_QUERY = {SLOW_QUERY!r}\n\n\ndef load_orders(session):\n"
                             "    return session.execute(SLOW_QUERY).fetchone()[0]\n",
        },
        services=("sqlite",),
    ),
    "FAP202": Harness(
        "GET", "/rates", 100, 20,
        f"The rates API is a loopback server that answers after {UPSTREAM_DELAY_S * 1000:.0f} ms. In the "
        "Example `client.get()` returns a coroutine that is never awaited: every request fails (HTTP 500).",
        substitutions=(("https://rates.example.com", "{upstream}"),),
        services=("upstream",),
    ),
}

UPSTREAM_APP = f"""
import asyncio

from fastapi import FastAPI

app = FastAPI()


@app.get("/weather/{{city}}")
async def weather(city: str):
    await asyncio.sleep({UPSTREAM_DELAY_S})
    return {{"city": city, "sky": "clear"}}


@app.get("/latest")
async def latest():
    await asyncio.sleep({UPSTREAM_DELAY_S})
    return {{"EUR": 1.0}}
"""

SERVED = """
import os

from variant import main
{setup}


async def _evidence_ping():
    return {{}}


main.app.add_api_route("/ping", _evidence_ping)
app = main.app
"""

REDIS_SERVER = """
import sys
from fakeredis import TcpFakeServer

server = TcpFakeServer(("127.0.0.1", int(sys.argv[1])), server_type="redis")
server.serve_forever()
"""


def examples(code: str) -> tuple[str, str]:
    """The Example and the Use instead of a rule's docstring (as tests/test_meta.py reads them)."""
    from fastapi_perf.rules import BY_CODE

    doc = BY_CODE[code].documentation()
    blocks = re.findall(r"```python\n(.*?)```", doc, re.DOTALL)
    example = next(b for b in blocks if doc.index(b) > doc.index("## Example"))
    use_instead = next(b for b in blocks if doc.index(b) > doc.index("Use instead:"))
    return example, use_instead


# -- processes --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, deadline_s: float = 30.0) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {deadline_s:.0f} s")


class Processes:
    def __init__(self) -> None:
        self.running: list[subprocess.Popen] = []

    def start(self, args: list[str], cwd: Path, env: dict[str, str], log: Path, port: int) -> None:
        with log.open("w") as stream:
            process = subprocess.Popen(args, cwd=cwd, env=env, stdout=stream, stderr=subprocess.STDOUT)
        self.running.append(process)
        try:
            wait_for(port, process)
        except RuntimeError as error:
            tail = log.read_text(errors="replace").strip().splitlines()[-15:]
            raise RuntimeError("\n".join([str(error), *tail])) from None

    def stop(self) -> None:
        for process in reversed(self.running):
            process.terminate()
        for process in self.running:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.running.clear()


def uvicorn_args(target: str, port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port),
            "--loop", "asyncio", "--http", "h11", "--log-level", "warning", "--no-access-log"]


def bcrypt_hash() -> str:
    import bcrypt

    return bcrypt.hashpw(b"hunter2", bcrypt.gensalt(rounds=9)).decode()


# -- load -------------------------------------------------------------------------


@dataclass
class Run:
    ok: int
    errors: int
    elapsed_s: float
    latencies_ms: list[float]
    pings_ms: list[float]
    idle_ping_ms: float

    @property
    def rps(self) -> float:
        return self.ok / self.elapsed_s if self.elapsed_s else 0.0

    def summary(self) -> dict:
        lag = [max(0.0, p - self.idle_ping_ms) for p in self.pings_ms]
        return {
            "requests_per_s": round(self.rps, 1),
            "p50_ms": round(percentile(self.latencies_ms, 50), 2),
            "p99_ms": round(percentile(self.latencies_ms, 99), 2),
            "loop_lag_p99_ms": round(percentile(lag, 99), 2),
            "errors": self.errors,
            "ok": self.ok,
            "pings": len(self.pings_ms),
        }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[rank]


async def drive(base: str, harness: Harness, path: str) -> Run:
    import httpx

    limits = httpx.Limits(max_connections=harness.concurrency, max_keepalive_connections=harness.concurrency)
    # The pings have a client of their own: sharing the load's pool, they would queue for a connection.
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=VARIANT_TIMEOUT_S) as client, \
            httpx.AsyncClient(base_url=base, timeout=VARIANT_TIMEOUT_S) as pinging:
        for _ in range(3):  # warm up: connections, first-request costs
            try:
                await client.request(harness.method, path)
            except httpx.HTTPError:
                pass  # a failing Example: uvicorn closes the connection after the exception
        idle = []
        for _ in range(20):
            start = time.perf_counter()
            await pinging.get("/ping")
            idle.append((time.perf_counter() - start) * 1000)
        pings: list[float] = []
        latencies: list[float] = []
        errors = 0
        remaining = harness.requests
        done = asyncio.Event()

        async def pinger() -> None:
            while not done.is_set():
                start = time.perf_counter()
                await pinging.get("/ping")
                pings.append((time.perf_counter() - start) * 1000)
                await asyncio.sleep(PING_EVERY_S)

        async def worker() -> None:
            nonlocal remaining, errors
            while remaining > 0:
                remaining -= 1
                start = time.perf_counter()
                try:
                    response = await client.request(harness.method, path)
                    failed = response.status_code >= 400
                except httpx.HTTPError:
                    failed = True
                if failed:
                    errors += 1
                else:
                    latencies.append((time.perf_counter() - start) * 1000)

        ping_task = asyncio.create_task(pinger())
        start = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(harness.concurrency))), VARIANT_TIMEOUT_S * 2)
        elapsed = time.perf_counter() - start
        done.set()
        await ping_task
    return Run(len(latencies), errors, elapsed, latencies, pings, statistics.median(idle))


# -- one rule ---------------------------------------------------------------------


def write_variant(folder: Path, code: str, harness: Harness, upstream: str) -> None:
    package = folder / "variant"
    package.mkdir(parents=True)
    for old, new in harness.substitutions:
        if old not in code:
            raise RuntimeError(f"the docstring no longer contains {old!r}: update the harness")
        code = code.replace(old, new.format(upstream=upstream))
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "main.py").write_text(code, encoding="utf-8")
    for name, text in harness.support.items():
        (package / name).write_text(text, encoding="utf-8")
    (folder / "served.py").write_text(SERVED.format(setup=harness.setup), encoding="utf-8")


def measure(code: str, rounds: int) -> dict:
    harness = HARNESSES[code]
    example, use_instead = examples(code)
    work = Path(tempfile.mkdtemp(prefix=f"evidence-{code}-"))
    processes = Processes()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        upstream = ""
        if "upstream" in harness.services:
            port = free_port()
            (work / "upstream").mkdir()
            (work / "upstream" / "upstream_app.py").write_text(UPSTREAM_APP, encoding="utf-8")
            processes.start(uvicorn_args("upstream_app:app", port), work / "upstream", env, work / "upstream.log", port)
            upstream = f"http://127.0.0.1:{port}"
        if "redis" in harness.services:
            port = free_port()
            (work / "redis_server.py").write_text(REDIS_SERVER, encoding="utf-8")
            processes.start([sys.executable, str(work / "redis_server.py"), str(port)], work, env, work / "redis.log", port)
            env["EVIDENCE_REDIS_PORT"] = str(port)
        if "sqlite" in harness.services:
            env["EVIDENCE_DB"] = str(work / "evidence.sqlite3")
        if "convert" in harness.services:
            stub = work / "bin"
            stub.mkdir()
            (stub / "convert").write_text("#!/bin/sh\nexec sleep 0.05\n", encoding="utf-8")
            (stub / "convert").chmod(0o755)
            env["PATH"] = f"{stub}{os.pathsep}{env['PATH']}"
        path = harness.path.format(bcrypt_hash=urllib.parse.quote(bcrypt_hash(), safe="")) if "{" in harness.path else harness.path
        bases = {}
        for name, source in (("example", example), ("use_instead", use_instead)):
            folder = work / name
            write_variant(folder, source, harness, upstream)
            port = free_port()
            processes.start(uvicorn_args("served:app", port), folder, env, work / f"{name}.log", port)
            bases[name] = f"http://127.0.0.1:{port}"
        runs: dict[str, list[dict]] = {"example": [], "use_instead": []}
        load_before = os.getloadavg()
        for _ in range(rounds):
            for name, base in bases.items():
                runs[name].append(asyncio.run(drive(base, harness, path)).summary())
        load_after = os.getloadavg()
    finally:
        processes.stop()
        shutil.rmtree(work, ignore_errors=True)
    return {
        "version": SCHEMA_VERSION,
        "rule": code,
        "machine": machine(load_before, load_after),
        "setup": {
            "requests": harness.requests,
            "concurrency": harness.concurrency,
            "rounds": rounds,
            "ping_every_ms": PING_EVERY_S * 1000,
            "request": f"{harness.method} {harness.path.split('?')[0]}",
            "note": harness.note,
            "substitutions": [list(s) for s in harness.substitutions],
            "server": "uvicorn, one worker, asyncio loop, h11",
        },
        "variants": {name: {"median": median_of(results), "rounds": results} for name, results in runs.items()},
    }


def median_of(results: list[dict]) -> dict:
    return {key: round(statistics.median(r[key] for r in results), 2) for key in results[0]}


def machine(load_before: tuple[float, ...], load_after: tuple[float, ...]) -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    import fastapi
    import uvicorn

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.system(),
        "fastapi": fastapi.__version__,
        "uvicorn": uvicorn.__version__,
        "load_average": [round(load_before[0], 1), round(load_after[0], 1)],
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
    }


# -- the chart ----------------------------------------------------------------------


def chart(data: dict, target: Path) -> None:
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = data["rule"]  # stable element ids: a re-run changes only what moved
    plt.rcParams["svg.fonttype"] = "none"  # text stays text: small files, readable diffs
    metrics = (("requests_per_s", "requests/s (higher is better)"), ("p99_ms", "p99 latency, ms"),
               ("loop_lag_p99_ms", "loop lag p99, ms"))
    variants = (("example", "Example", "#c0392b"), ("use_instead", "Use instead", "#27ae60"))
    figure, axes = plt.subplots(1, 3, figsize=(9, 2.2))
    for axis, (key, title) in zip(axes, metrics):
        for row, (name, label, color) in enumerate(variants):
            rounds = [r[key] for r in data["variants"][name]["rounds"]]
            value = data["variants"][name]["median"][key]
            axis.barh(row, value, color=color, xerr=[[value - min(rounds)], [max(rounds) - value]], capsize=3)
            failed = data["variants"][name]["median"]["ok"] == 0 and key != "loop_lag_p99_ms"
            label_text = "every request failed" if failed else (f"{value:.0f}" if value >= 10 else f"{value:.1f}")
            axis.text(max(rounds), row, f"  {label_text}", va="center", fontsize=8)
        axis.set_yticks([0, 1], [label for _, label, _ in variants] if axis is axes[0] else ["", ""])
        axis.set_title(title, fontsize=9)
        axis.tick_params(labelsize=8)
        axis.invert_yaxis()
        axis.margins(x=0.45)
        for side in ("top", "right"):
            axis.spines[side].set_visible(False)
    setup = data["setup"]
    figure.suptitle(f"{data['rule']}: {setup['requests']} requests, {setup['concurrency']} at a time "
                    f"(median of {setup['rounds']} rounds, bars from lowest to highest)", fontsize=9)
    figure.tight_layout()
    figure.savefig(target, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rule", action="append", choices=sorted(HARNESSES), help="only this rule (repeatable)")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--redraw", action="store_true", help="only redraw the charts from the committed figures")
    args = parser.parse_args()
    EVIDENCE.mkdir(parents=True, exist_ok=True)
    for code in args.rule or sorted(HARNESSES):
        if args.redraw:
            chart(json.loads((EVIDENCE / f"{code}.json").read_text(encoding="utf-8")), EVIDENCE / f"{code}.svg")
            continue
        data = measure(code, args.rounds)
        (EVIDENCE / f"{code}.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        chart(data, EVIDENCE / f"{code}.svg")
        example, use = data["variants"]["example"]["median"], data["variants"]["use_instead"]["median"]
        print(f"{code}: {example['requests_per_s']} -> {use['requests_per_s']} requests/s, "
              f"loop lag p99 {example['loop_lag_p99_ms']} -> {use['loop_lag_p99_ms']} ms "
              f"(load {data['machine']['load_average']})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

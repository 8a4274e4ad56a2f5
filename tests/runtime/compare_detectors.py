#!/usr/bin/env python3
"""aiocop (as ``pytest --fastapi-perf`` uses it) against blockbuster, on the same suites.

1. Detection: the fixture project (tests/runtime/project) under each; for
   every ``# site:`` line, what each reports.
2. False alarms and overhead: a generated suite of a few hundred fast tests
   of a clean application (nothing in it blocks), run plain, with
   ``--fastapi-perf`` and with blockbuster's usual autouse fixture
   (unscoped, and scoped to the application's package as LangChain does);
   CPU time of each pytest process (median of interleaved rounds: on a
   shared machine CPU time moves less than wall time) and what each reported.

    python tests/runtime/compare_detectors.py [--rounds 5] [--tests 300]

docs/runtime.md has the figures and the choice they led to.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

# which test reaches each marked line of the fixture project
REACHED_BY = {
    "middleware": "test_sync_client.py::test_audited", "dependency": "test_sync_client.py::test_me",
    "background": "test_sync_client.py::test_checkout", "sleep": "test_sync_client.py::test_sleep",
    "settle-sleep": "test_sync_client.py::test_settle", "open": "test_sync_client.py::test_source",
    "subprocess": "test_sync_client.py::test_convert", "http": "test_sync_client.py::test_weather",
    "db-connect": "test_sync_client.py::test_orders", "db-query": "test_sync_client.py::test_orders",
    "hash": "test_sync_client.py::test_login", "importlib": "test_async_client.py::test_dynamic_import",
    "getattr": "test_async_client.py::test_getattr", "c-extension": "test_anyio.py::test_c_extension",
    "registry": "test_live_server.py::test_registry",
}
OFFLOADED_TESTS = ("test_offloaded",)

BLOCKBUSTER_PLUGIN = '''
import os
import pytest
from blockbuster import blockbuster_ctx

SCOPE = os.environ.get("BLOCKBUSTER_SCOPE") or None


@pytest.fixture(autouse=True)
def blockbuster():
    with blockbuster_ctx(SCOPE) as bb:
        yield bb
'''

CLEAN_APP = '''
import asyncio

from fastapi import Depends, FastAPI
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

app = FastAPI()


class Item(BaseModel):
    id: int
    name: str
    tags: list[str] = []


async def pagination(offset: int = 0, limit: int = 10):
    return {"offset": offset, "limit": limit}


def checksum(text: str) -> int:
    return sum(map(ord, text))


@app.get("/items/{item_id}", response_model=Item)
async def read_item(item_id: int):
    await asyncio.sleep(0)
    return Item(id=item_id, name=f"item {item_id}", tags=["a", "b"])


@app.post("/items", response_model=Item)
async def create_item(item: Item):
    return item


@app.get("/items")
async def list_items(page=Depends(pagination)):
    return [{"id": i} for i in range(page["offset"], page["offset"] + page["limit"])]


@app.get("/checksum/{text}")
async def offloaded(text: str):
    return {"sum": await run_in_threadpool(checksum, text)}


@app.get("/sync/{n}")
def sync_route(n: int):
    return {"double": n * 2}
'''

CLEAN_SYNC_TESTS = '''
import pytest
from fastapi.testclient import TestClient

from cleanapp.main import app


@pytest.fixture(scope="module")
def client():
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("n", range({count}))
def test_routes(client, n):
    path = ["/items/%d" % n, "/items?offset=%d" % n, "/checksum/abc%d" % n, "/sync/%d" % n][n % 4]
    assert client.get(path).status_code == 200
'''

CLEAN_ASYNC_TESTS = '''
import httpx
import pytest

from cleanapp.main import app


@pytest.mark.asyncio
@pytest.mark.parametrize("n", range({count}))
async def test_routes(n):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clean") as client:
        if n % 2:
            response = await client.post("/items", json={{"id": n, "name": "x"}})
        else:
            response = await client.get("/items/%d" % n)
    assert response.status_code == 200
'''

CLEAN_UNIT_TESTS = '''
import pytest

from cleanapp.main import Item, checksum


@pytest.mark.parametrize("n", range({count}))
def test_units(n):
    assert checksum("ab") == 195
    assert Item(id=n, name="x").id == n
'''


def run(args: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, CPU seconds of the pytest process, its result)."""
    merged = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    merged.pop("PYTEST_ADDOPTS", None)
    merged["PYTHONPATH"] = os.pathsep.join(p for p in (str(cwd), str(ROOT / "server"), (env or {}).get("PYTHONPATH")) if p)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # --tb=line: blockbuster's errors under TestClient make deep tracebacks that can crash pytest's formatter
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--tb=line", *args],
                          cwd=cwd, capture_output=True, text=True, env=merged, timeout=900, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done


def outcomes(junit: Path) -> dict[str, str]:
    """test id (file::name) -> '' when it passed, else the first line of its failure."""
    result = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = f"{case.get('classname', '').rpartition('.')[2]}.py::{case.get('name')}"
        problem = case.find("failure") if case.find("failure") is not None else case.find("error")
        text = "" if problem is None else (problem.get("message") or "failed").splitlines()[0]
        result[name] = text
    return result


def detection(work: Path) -> tuple[list[tuple[str, str, str, str]], dict, dict]:
    from conftest import copy_project, site_lines

    project = copy_project(work / "shop")
    rows = []
    run(["--fastapi-perf"], project)
    report = json.loads((project / "fastapi-perf-runtime.json").read_text(encoding="utf-8"))
    lines = site_lines(project)
    plugin = work / "bbplugin"
    plugin.mkdir()
    (plugin / "blockbuster_everywhere.py").write_text(BLOCKBUSTER_PLUGIN, encoding="utf-8")
    bb = {}
    for scope in ("", "shop"):
        junit = work / f"bb-{scope or 'all'}.xml"
        run(["-p", "blockbuster_everywhere", f"--junitxml={junit}"], project,
            {"BLOCKBUSTER_SCOPE": scope, "PYTHONPATH": str(plugin)})
        bb[scope] = outcomes(junit)
    for name, (path, line) in lines.items():
        sites = [s for s in report["sites"] if s["path"] == path and s["line"] == line]
        seen = ", ".join(f"{s['code']} {', '.join(s['calls']) or 'stall'} {s['max_ms']:.0f} ms" for s in sites) or "-"
        test = REACHED_BY.get(name)
        if test is None:
            continue
        rows.append((name, seen, _short(bb[""].get(_junit_id(test), "?")), _short(bb["shop"].get(_junit_id(test), "?"))))
    offloaded = {scope: sorted(t for t, msg in bb[scope].items() if "offloaded" in t and msg) for scope in bb}
    return rows, offloaded, bb


def _junit_id(test: str) -> str:
    path, _, name = test.partition("::")
    return f"{Path(path).stem}.py::{name}"


def _short(message: str) -> str:
    if message == "":
        return "not detected (test passed)"
    if "Blocking call to" in message:
        return message[message.index("Blocking call to"):].split(" (")[0]
    return message[:60]


def clean_suite(work: Path, count: int) -> Path:
    root = work / "clean"
    (root / "cleanapp").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "cleanapp" / "__init__.py").write_text("", encoding="utf-8")
    (root / "cleanapp" / "main.py").write_text(CLEAN_APP, encoding="utf-8")
    third = count // 3
    (root / "tests" / "test_sync.py").write_text(CLEAN_SYNC_TESTS.format(count=third), encoding="utf-8")
    (root / "tests" / "test_async.py").write_text(CLEAN_ASYNC_TESTS.format(count=third), encoding="utf-8")
    (root / "tests" / "test_unit.py").write_text(CLEAN_UNIT_TESTS.format(count=count - 2 * third), encoding="utf-8")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "cleanapp"\nversion = "0"\ndependencies = ["fastapi"]\n\n'
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\nasyncio_mode = "strict"\n'
        'asyncio_default_fixture_loop_scope = "function"\n',
        encoding="utf-8",
    )
    plugin = work / "bbplugin" / "blockbuster_everywhere.py"
    if not plugin.exists():
        plugin.parent.mkdir(exist_ok=True)
        plugin.write_text(BLOCKBUSTER_PLUGIN, encoding="utf-8")
    return root


def overhead(work: Path, count: int, rounds: int) -> dict:
    root = clean_suite(work, count)
    variants = {
        "plain": ([], {}),
        "--fastapi-perf (aiocop)": (["--fastapi-perf"], {}),
        "blockbuster, all modules": (["-p", "blockbuster_everywhere"], {"BLOCKBUSTER_SCOPE": "", "PYTHONPATH": str(work / "bbplugin")}),
        "blockbuster, scoped to the app": (["-p", "blockbuster_everywhere"], {"BLOCKBUSTER_SCOPE": "cleanapp", "PYTHONPATH": str(work / "bbplugin")}),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    alarms: dict[str, str] = {}
    run([], root)  # warm the file cache
    for _ in range(rounds):
        for name, (args, env) in variants.items():
            junit = work / "clean.xml"
            elapsed, seconds, _ = run([*args, f"--junitxml={junit}"], root, env)
            times[name].append(elapsed)
            cpu[name].append(seconds)
            failed = [t for t, msg in outcomes(junit).items() if msg]
            if name.startswith("--fastapi-perf"):
                report = json.loads((root / "fastapi-perf-runtime.json").read_text(encoding="utf-8"))
                alarms[name] = f"{len(report['sites'])} sites, {len(failed)} failures"
            else:
                first = next((m for m in outcomes(junit).values() if m), "")
                alarms[name] = f"{len(failed)} failures" + (f" ({_short(first)})" if first else "")
    plain = statistics.median(cpu["plain"])
    return {
        name: (statistics.median(cpu[name]), min(cpu[name]), max(cpu[name]), statistics.median(cpu[name]) / plain,
               statistics.median(t), alarms.get(name, ""))
        for name, t in times.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tests", type=int, default=300)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fastapi-perf-detectors-"))
    try:
        rows, offloaded, _ = detection(work)
        print("| site | aiocop (--fastapi-perf) | blockbuster, all modules | blockbuster, scoped to `shop` |")
        print("|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print(f"\noffloaded tests failed by blockbuster: {offloaded}\n")
        print(f"clean suite of {args.tests} tests, {args.rounds} interleaved rounds:\n")
        print("| run | CPU s, median | CPU s, min–max | × plain | wall s, median | reported |")
        print("|---|---:|---:|---:|---:|---|")
        for name, (median, low, high, ratio, wall, alarms) in overhead(work, args.tests, args.rounds).items():
            print(f"| {name} | {median:.2f} | {low:.2f}–{high:.2f} | {ratio:.2f} | {wall:.2f} | {alarms} |")
        print(f"\nload average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

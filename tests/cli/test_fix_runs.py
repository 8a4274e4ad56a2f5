"""Fixed code is run, not only parsed: every route behaves as before, and no ``await`` changed a meaning.

An application whose routes make every fixable kind of blocking call —
directly, in list and dict comprehensions, in generator expressions, in a
lambda and in a nested ``def`` — is fixed with ``fastapi-perf check --fix
--unsafe-fixes``. Then the original and the fixed module are imported in a
subprocess against small stand-ins for the libraries the fixes use
(``fastapi``, ``starlette.concurrency``, ``requests``, ``httpx``, ``anyio``,
``async_lru``, in ``STUBS``; the standard library calls are real), every
route is called, and the results are compared. The original's one broken
route (``lru_cache`` on an ``async def``: the second await fails) must work
after the fix. Before ``await`` was kept out of generator expressions, the
safe FAP103 fix turned ``sum(time.sleep(0) or 1 for ...)`` into an
asynchronous generator that raises ``TypeError`` here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from .conftest import fastapi_perf

APP = '''import asyncio
import hashlib
import os
import subprocess
import time
from functools import lru_cache
from pathlib import Path

import requests
from fastapi import FastAPI

app = FastAPI()
HERE = Path(__file__).parent


@app.get("/direct")
async def direct():
    time.sleep(0.001)
    found = os.path.exists(__file__)
    data = Path(__file__).read_bytes()
    key = hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 10)
    done = subprocess.run(["true"], check=True).returncode
    status = requests.get("https://example.invalid/x", timeout=1).status_code
    await asyncio.sleep(0)
    return found, len(data) > 0, key.hex(), done, status


@app.get("/comprehensions")
async def comprehensions(n: int = 3):
    slept = [time.sleep(0) or i for i in range(n)]
    found = {p: os.path.exists(p) for p in [__file__, "/nonexistent"]}
    await asyncio.sleep(0)
    return slept, sorted(found.values())


@app.get("/generators")
async def generators(n: int = 3):
    total = sum(time.sleep(0) or 1 for _ in range(n))
    found = list(os.path.exists(p) for p in [__file__])
    keys = tuple(hashlib.pbkdf2_hmac("sha256", b"pw", s, 10).hex() for s in [b"a", b"b"])
    code = next(subprocess.run(["true"]).returncode for _ in range(1))
    statuses = sorted(requests.get(u, timeout=1).status_code for u in ["https://example.invalid/a"])
    nested = sum(len([time.sleep(0) for _ in range(2)]) for _ in range(2))
    outer = sum(x for x in [time.sleep(0) or 1, 2])
    await asyncio.sleep(0)
    return total, found, keys, code, statuses, nested, outer


@app.get("/closures")
async def closures():
    def later():
        time.sleep(0)
        return "later"

    pause = lambda: time.sleep(0) or "lambda"  # noqa: E731
    await asyncio.sleep(0)
    return later(), pause(), await asyncio.to_thread(later)


@lru_cache(maxsize=4)
async def rate(currency: str) -> float:
    await asyncio.sleep(0)
    return {"EUR": 1.0}.get(currency, 2.0)


@app.get("/cached")
async def cached():
    return await rate("EUR"), await rate("EUR")


@app.get("/sync-calls-coroutine")
def sync_calls_coroutine():
    pending = list(rate(c) for c in ["EUR", "USD"])
    for coroutine in pending:
        coroutine.close()
    return len(pending)


@app.get("/never-awaits")
async def never_awaits():
    return requests.get("https://example.invalid/n", timeout=1).status_code
'''

ROUTES = ["direct", "comprehensions", "generators", "closures", "cached", "sync_calls_coroutine", "never_awaits"]
BROKEN_BEFORE = {"cached": "raised RuntimeError"}

STUBS = {
    "fastapi/__init__.py": '''
class FastAPI:
    def get(self, path, **options):
        return lambda endpoint: endpoint

    post = get
''',
    "starlette/__init__.py": "",
    "starlette/concurrency.py": '''
import asyncio


async def run_in_threadpool(function, *args, **kwargs):
    return await asyncio.to_thread(function, *args, **kwargs)
''',
    "requests/__init__.py": '''
class Response:
    status_code = 200

    def json(self):
        return {"ok": True}


def get(url, **options):
    return Response()


post = get
''',
    "httpx/__init__.py": '''
from requests import Response


class AsyncClient:
    async def get(self, url, **options):
        assert "allow_redirects" not in options, "httpx has no allow_redirects"
        return Response()

    post = get
''',
    "anyio/__init__.py": '''
import asyncio
import pathlib

from . import to_thread


class Path:
    def __init__(self, *parts):
        self._path = pathlib.Path(*parts)

    async def read_bytes(self):
        return await asyncio.to_thread(self._path.read_bytes)

    async def exists(self):
        return await asyncio.to_thread(self._path.exists)
''',
    "anyio/to_thread.py": '''
import asyncio


async def run_sync(function, *args):
    return await asyncio.to_thread(function, *args)
''',
    "async_lru/__init__.py": '''
import functools


def alru_cache(function=None, maxsize=128):
    def decorate(coroutine_function):
        results = {}

        @functools.wraps(coroutine_function)
        async def cached(*args):
            if args not in results:
                results[args] = await coroutine_function(*args)
            return results[args]

        return cached

    return decorate(function) if callable(function) else decorate
''',
}

CALL_EVERY_ROUTE = '''
import asyncio, importlib.util, inspect, json, sys, warnings

warnings.simplefilter("ignore")
spec = importlib.util.spec_from_file_location("app_under_test", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
results = {}
for name in sys.argv[2:]:
    try:
        result = getattr(module, name)()
        if inspect.iscoroutine(result):
            result = asyncio.run(result)
        results[name] = repr(result)
    except Exception as error:
        results[name] = f"raised {type(error).__name__}: {error}"
print(json.dumps(results))
'''


def call_every_route(path: Path, stubs: Path) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", CALL_EVERY_ROUTE, str(path), *ROUTES],
        env={"PYTHONPATH": str(stubs), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_fixed_routes_run_and_return_what_they_returned(tmp_path: Path) -> None:
    stubs = tmp_path / "stubs"
    for name, text in STUBS.items():
        (stubs / name).parent.mkdir(parents=True, exist_ok=True)
        (stubs / name).write_text(text)
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'app'\ndependencies = ['fastapi']\n")
    (project / "app.py").write_text(APP)
    (tmp_path / "original.py").write_text(APP)

    before = call_every_route(tmp_path / "original.py", stubs)
    for name, broken in BROKEN_BEFORE.items():
        assert before[name].startswith(broken), before[name]
    assert not [r for n, r in before.items() if n not in BROKEN_BEFORE and r.startswith("raised")], before

    run = fastapi_perf("check", "--fix", "--unsafe-fixes", "--no-cache", cwd=project)
    assert "Traceback" not in run.stderr, run.stderr
    fixed_count = int(re.search(r"^Fixed (\d+) findings\.$", run.stdout, re.MULTILINE).group(1))
    fixed = (project / "app.py").read_text()
    compile(fixed, "app.py", "exec")

    after = call_every_route(project / "app.py", stubs)
    for name in ROUTES:
        if name in BROKEN_BEFORE:
            assert not after[name].startswith("raised"), (name, after[name])
        else:
            assert after[name] == before[name], (name, before[name], after[name])

    # What was fixed, and what was left alone because `await` would have changed its meaning.
    assert fixed_count >= 10, run.stdout
    assert "await asyncio.sleep(0.001)" in fixed
    assert "[await asyncio.sleep(0) or i for i in range(n)]" in fixed  # a list comprehension may await
    assert "await http_client.get(" in fixed and "@alru_cache(maxsize=4)" in fixed
    for untouched in (
        "sum(time.sleep(0) or 1 for _ in range(n))",
        "list(os.path.exists(p) for p in [__file__])",
        'tuple(hashlib.pbkdf2_hmac("sha256", b"pw", s, 10).hex() for s in [b"a", b"b"])',
        'next(subprocess.run(["true"]).returncode for _ in range(1))',
        'sorted(requests.get(u, timeout=1).status_code for u in ["https://example.invalid/a"])',
        "sum(len([time.sleep(0) for _ in range(2)]) for _ in range(2))",
        "pause = lambda: time.sleep(0) or \"lambda\"",
        'def sync_calls_coroutine():\n    pending = list(rate(c) for c in ["EUR", "USD"])',
        "    def later():\n        time.sleep(0)\n",
    ):
        assert untouched in fixed, untouched
    assert "sum(x for x in [await asyncio.sleep(0) or 1, 2])" in fixed, "the first iterable runs outside the generator"
    remaining = fastapi_perf("check", "--no-cache", "--unsafe-fixes", "--output-format", "json", cwd=project)
    lines = fixed.splitlines()
    in_generators = {i + 1 for i, line in enumerate(lines) if " for " in line and ("sum(" in line or "list(" in line
                     or "tuple(" in line or "next(" in line or "sorted(" in line)}
    offered = [item for item in json.loads(remaining.stdout) if item["location"]["row"] in in_generators and item["fix"]]
    assert not offered, "no fix is offered inside a generator expression"

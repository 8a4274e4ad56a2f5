"""jedi's parse cache is fastapi-perf's own, and a damaged entry in it does not turn inference off.

jedi (through parso) keeps each module it parses as a pickle in a cache
folder and reads it back on the next run. Shared with every other tool
that uses jedi, one truncated file there made every question fail, and
``--infer`` silently found nothing more. Now the cache is under
fastapi-perf's own folder in the user's cache directory, per version, and
an entry that cannot be read is removed, the question asked again and a
warning printed.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi_perf import __version__

from .conftest import fastapi_perf

APP = """import asyncio
import sqlite3

from fastapi import FastAPI

app = FastAPI()


@app.post("/n")
async def n():
    conn, reopen = sqlite3.connect("x.db"), lambda: sqlite3.connect("x.db")
    again = reopen()
    await asyncio.sleep(0)
    return again.execute("SELECT name FROM t LIMIT 1").fetchone()
"""
INFERRED_ROW = 14  # only jedi can type `again`: it comes out of a lambda


def rows(project: Path, cache_home: Path):
    run = fastapi_perf("check", "--infer", "--select", "FAP107", "--no-cache", "--output-format", "json",
                       cwd=project, env={"XDG_CACHE_HOME": str(cache_home)})
    assert "Traceback" not in run.stderr, run.stderr
    return [item["location"]["row"] for item in json.loads(run.stdout)], run.stderr


def test_a_truncated_pickle_in_jedis_cache_is_removed_and_inference_goes_on(project, tmp_path: Path) -> None:
    root = project({"app.py": APP, "pyproject.toml": "[project]\nname = 'x'\ndependencies = ['fastapi']\n"})
    cache_home = tmp_path / "cache-home"
    found, stderr = rows(root, cache_home)
    assert found == [11, INFERRED_ROW] and stderr == ""
    own = cache_home / "fastapi-perf" / "jedi" / __version__
    pickles = sorted(own.rglob("*.pkl"))
    assert pickles, "jedi's cache is fastapi-perf's own, per version"
    assert not (cache_home / "jedi").exists(), "jedi's shared cache is not used"

    for pickle in pickles:  # every entry damaged, the way an interrupted write leaves one
        pickle.write_bytes(pickle.read_bytes()[: 40])
    found, stderr = rows(root, cache_home)
    assert found == [11, INFERRED_ROW], "inference still answers"
    warnings = stderr.splitlines()
    assert warnings and all(
        line.startswith(f"fastapi-perf: warning: jedi's cache entry {own}") and "was damaged" in line
        and "removed it and asked again" in line for line in warnings
    ), stderr
    found, stderr = rows(root, cache_home)
    assert found == [11, INFERRED_ROW] and stderr == "", "the entries were rewritten whole"

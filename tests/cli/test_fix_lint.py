"""Fixes leave files clean for the user's other tools: ``ruff check --select I,F`` finds nothing new.

An import a fix adds goes where isort and Ruff put it (no I001), and an
import a fix leaves unused is removed (no F401). Checked on every fixed
rule fixture (``tests/rules/fixtures/*.fixed.py``, which ``test_fixtures``
keeps equal to what fix-all produces) and on the demo application after
``fastapi-perf check --fix``, safe and unsafe; the summary's promise
("[*] N fixable") is what ``--fix`` then reports.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, fastapi_perf

FIXTURES = ROOT / "tests" / "rules" / "fixtures"
FIXED = sorted(FIXTURES.glob("*.fixed.py"))


def ruff(folder: Path, *files: str) -> set[tuple[str, str, str]]:
    """(file, code, message) of Ruff's isort and Pyflakes findings, lines left out (fixes move them)."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select", "I,F", "--output-format", "json", *files],
        cwd=folder, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return {(Path(f["filename"]).name, f["code"], f["message"]) for f in json.loads(done.stdout)}


@pytest.mark.parametrize("fixed", FIXED, ids=lambda p: p.name.split(".")[0])
def test_fixed_fixture_has_no_new_isort_or_pyflakes_finding(fixed: Path) -> None:
    source = fixed.with_name(fixed.name.replace(".fixed.py", ".py"))
    before = {(name.replace(".py", ".fixed.py"), code, message) for name, code, message in ruff(FIXTURES, source.name)}
    after = ruff(FIXTURES, fixed.name)
    assert after <= before, sorted(after - before)


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_demo_after_fix_is_clean_and_the_promise_is_kept(demo: Path, unsafe: bool) -> None:
    flags = ("--unsafe-fixes",) if unsafe else ()
    before = ruff(demo, ".")
    promised = fastapi_perf("check", ".", "--no-cache", *flags, cwd=demo)
    fixable = int(re.search(r"^\[\*\] (\d+) fixable", promised.stdout, re.MULTILINE).group(1))
    fixed = fastapi_perf("check", ".", "--no-cache", "--fix", *flags, cwd=demo)
    assert f"Fixed {fixable} findings." in fixed.stdout, (fixable, fixed.stdout)
    after = ruff(demo, ".")
    assert after <= before, sorted(after - before)
    source = (demo / "shop" / "catalog.py").read_text()
    assert "import time\n" not in source, "`time` was used only by the sleep the fix replaced"
    if unsafe:  # `anyio.Path` for the file read: in the third-party section, in order
        assert "\n\nimport anyio\nimport httpx\n" in source
    orders = (demo / "shop" / "orders.py").read_text()
    assert "from fastapi import APIRouter, Depends\nfrom starlette.concurrency import run_in_threadpool\n" in orders

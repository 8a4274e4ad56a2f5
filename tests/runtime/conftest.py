"""The fixture project (tests/runtime/project) run under ``pytest --fastapi-perf`` once per session."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# The fixture project's own tests run only under `pytest --fastapi-perf`, in a subprocess.
collect_ignore = ["project"]

ROOT = Path(__file__).resolve().parents[2]
PROJECT = Path(__file__).resolve().parent / "project"
MARKER = re.compile(r"#\s*site:\s*(?P<name>[\w-]+)")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_pytest(*args: str, cwd: Path) -> Run:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1", "PYTHONPATH": str(ROOT / "server")}
    env.pop("PYTEST_ADDOPTS", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd, capture_output=True, text=True, env=env, timeout=240, check=False,
    )
    return Run(result.returncode, result.stdout, result.stderr)


def copy_project(target: Path) -> Path:
    shutil.copytree(PROJECT, target, ignore=shutil.ignore_patterns("__pycache__", "fastapi-perf-runtime.json"))
    return target


def site_lines(root: Path) -> dict[str, tuple[str, int]]:
    """``# site: NAME`` comments of the fixture project: name -> (path, 1-based line)."""
    found = {}
    for path in sorted((root / "shop").glob("*.py")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = MARKER.search(text)
            if match:
                found[match["name"]] = (path.relative_to(root).as_posix(), number)
    return found


@dataclass
class Observed:
    root: Path
    run: Run
    report: dict
    sites: dict[str, tuple[str, int]]

    def site(self, name: str) -> dict | None:
        path, line = self.sites[name]
        matches = [s for s in self.report["sites"] if s["path"] == path and s["line"] == line]
        assert len(matches) <= 1, matches
        return matches[0] if matches else None


@pytest.fixture(scope="session")
def observed(tmp_path_factory) -> Observed:
    root = copy_project(tmp_path_factory.mktemp("runtime") / "shop")
    run = run_pytest("--fastapi-perf", cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads((root / "fastapi-perf-runtime.json").read_text(encoding="utf-8"))
    return Observed(root, run, report, site_lines(root))

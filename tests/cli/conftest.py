from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def fastapi_perf(*args: str, cwd: Path, env: dict | None = None) -> Run:
    """Run the installed command the way a user does (``python -m`` keeps it to this interpreter)."""
    merged = {**os.environ, "NO_COLOR": "1", **(env or {})}
    merged["PYTHONPATH"] = str(ROOT / "server")
    result = subprocess.run(
        [sys.executable, "-m", "fastapi_perf", *args], cwd=cwd, capture_output=True, text=True, env=merged, timeout=120
    )
    return Run(result.returncode, result.stdout, result.stderr)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A private copy of the demo application."""
    target = tmp_path / "demo"
    shutil.copytree(ROOT / "demo", target)
    return target


@pytest.fixture
def project(tmp_path: Path):
    """Make a small project: ``project({"app.py": "...", "pyproject.toml": "..."})``."""

    def make(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make

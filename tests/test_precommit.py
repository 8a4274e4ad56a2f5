"""The pre-commit hook in .pre-commit-hooks.yaml is well-formed and its command
fails on a file with a finding (and passes on a clean one)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
# Keys pre-commit accepts in a hook manifest (https://pre-commit.com/#creating-new-hooks).
REQUIRED = {"id", "name", "entry", "language"}
OPTIONAL = {
    "alias", "files", "exclude", "types", "types_or", "exclude_types", "always_run", "fail_fast",
    "verbose", "pass_filenames", "require_serial", "description", "language_version",
    "minimum_pre_commit_version", "args", "stages",
}
BOOLEANS = {"always_run", "fail_fast", "verbose", "pass_filenames", "require_serial"}

FLAGGED = """import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root():
    time.sleep(1)
    return {"ok": True}
"""
CLEAN = """from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def root():
    return {"ok": True}
"""


def hook() -> dict:
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert isinstance(manifest, list) and manifest, "a manifest is a non-empty list of hooks"
    (found,) = [h for h in manifest if h.get("id") == "fastapi-perf"]
    return found


def test_manifest_is_well_formed() -> None:
    h = hook()
    assert REQUIRED <= h.keys(), f"missing {REQUIRED - h.keys()}"
    assert h.keys() <= REQUIRED | OPTIONAL, f"unknown keys {h.keys() - REQUIRED - OPTIONAL}"
    for key in REQUIRED | {"description"}:
        assert isinstance(h.get(key, ""), str) and h.get(key, "x").strip()
    for key in BOOLEANS & h.keys():
        assert isinstance(h[key], bool), key
    assert h["language"] == "python"
    assert h["types"] == ["python"]
    assert h.get("pass_filenames", True) is True  # pre-commit hands it the staged files
    assert isinstance(h.get("args", []), list) and all(isinstance(a, str) for a in h.get("args", []))
    # language: python installs this repository with pip; the entry's program must
    # be one of the console scripts that installs.
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert shlex.split(h["entry"])[0] in scripts


def run_hook(files: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the hook the way pre-commit does: entry, then args, then the file names."""
    h = hook()
    program, *entry_args = shlex.split(h["entry"])
    script = Path(sys.executable).parent / program
    command = [str(script)] if script.exists() else [sys.executable, "-m", "fastapi_perf"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}  # this tree's code
    return subprocess.run(
        [*command, *entry_args, *h.get("args", []), *map(str, files)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )


def test_hook_fails_on_a_finding_and_passes_clean_code(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "0"\ndependencies = ["fastapi"]\n')
    flagged, clean = tmp_path / "flagged.py", tmp_path / "clean.py"
    flagged.write_text(FLAGGED)
    clean.write_text(CLEAN)

    result = run_hook([flagged, clean], tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAP103" in result.stdout and "flagged.py:10:5" in result.stdout, result.stdout

    result = run_hook([clean], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert flagged.read_text() == FLAGGED  # the hook reports; it does not rewrite files

"""The pre-commit hook: the manifest is well-formed, its command fails on a file
with a finding (also one reached through a file it was not given) and passes
on a clean one, and the configuration docs/ci.md gives works with
`pre-commit try-repo` from this clone."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from offline_install import REPOSITORY, is_commit, offline_env

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
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
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


PYPROJECT = '[project]\nname = "shop"\nversion = "0"\ndependencies = ["fastapi"]\n'
HELPERS = """import time


def slow_lookup(key):
    time.sleep(1)
    return key
"""
# The same helper after an edit that is not staged: it no longer blocks.
HELPERS_UNSTAGED = """def slow_lookup(key):
    return key
"""
ROUTES = """from fastapi import FastAPI

from shop.helpers import slow_lookup

app = FastAPI()


@app.get("/items/{key}")
async def item(key: str):
    return {"value": slow_lookup(key)}
"""
CHAIN = "shop/routes.py:10:22: FAP103 `slow_lookup()` blocks the event loop: it reaches a blocking sleep (`item → slow_lookup → time.sleep`)"


def write_shop(root: Path) -> None:
    (root / "shop").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "helpers.py").write_text(HELPERS)
    (root / "shop" / "routes.py").write_text(ROUTES)


def test_hook_follows_calls_into_files_it_is_not_given(tmp_path: Path) -> None:
    """pre-commit names only the staged files; the helper they call is read from disk all the same."""
    write_shop(tmp_path)
    result = run_hook([Path("shop/routes.py")], tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert CHAIN in result.stdout, result.stdout
    reported = [line for line in result.stdout.splitlines() if re.match(r"\S+\.py:\d+:\d+: ", line)]
    assert reported and all(line.startswith("shop/routes.py:") for line in reported), "only the named file is reported on"


def documented_config() -> dict:
    block = re.search(r"```yaml\n(repos:\n.*?)```", (ROOT / "docs" / "ci.md").read_text(), re.DOTALL)
    assert block, "docs/ci.md shows a .pre-commit-config.yaml"
    (repo,) = yaml.safe_load(block[1])["repos"]
    return repo


def test_documented_rev_is_a_commit_with_the_hook() -> None:
    repo = documented_config()
    assert repo["repo"] == REPOSITORY and [h["id"] for h in repo["hooks"]] == ["fastapi-perf"]
    rev = str(repo["rev"])
    assert re.fullmatch(r"[0-9a-f]{40}", rev), f"rev {rev!r}: no release tags exist yet, so a full commit hash"
    assert is_commit(rev), f"{rev} is not in this clone's history (a shallow clone?)"
    manifest = subprocess.run(["git", "show", f"{rev}:.pre-commit-hooks.yaml"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout
    assert "fastapi-perf" in [h["id"] for h in yaml.safe_load(manifest)]
    # The pip commands of the docs pin the same commit, so one bump moves them all.
    pages = [ROOT / "docs" / "ci.md", ROOT / "docs" / "cli.md"]
    pinned = {m for page in pages for m in re.findall(rf"git\+{re.escape(REPOSITORY)}@(\w+)", page.read_text())}
    assert pinned == {rev}


def git(*args: str, cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def virtualenv_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("virtualenv-data")


def test_try_repo_with_the_documented_config(tmp_path: Path, virtualenv_data: Path) -> None:
    """`pre-commit try-repo` installs the documented commit from this clone and runs the hook on the staged files.

    The helper is committed and then edited without staging the edit: pre-commit sets the edit
    aside while the hook runs, so the hook reads the committed helper (which blocks) and reports
    the route in the staged file, as docs/ci.md says. The edit is back afterwards.
    """
    env = {**offline_env(tmp_path, virtualenv_data), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull}
    project = tmp_path / "project"
    write_shop(project)
    routes = (project / "shop" / "routes.py").read_text()
    (project / "shop" / "routes.py").unlink()
    git("init", "-q", cwd=project, env=env)
    git("add", ".", cwd=project, env=env)
    git("commit", "-q", "-m", "helpers", cwd=project, env=env)
    (project / "shop" / "routes.py").write_text(routes)
    git("add", "shop/routes.py", cwd=project, env=env)
    (project / "shop" / "helpers.py").write_text(HELPERS_UNSTAGED)

    rev = documented_config()["rev"]
    result = subprocess.run(["pre-commit", "try-repo", str(ROOT), "fastapi-perf", "--ref", rev], cwd=project,
                            env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "fastapi-perf" in result.stdout and "Failed" in result.stdout, result.stdout
    assert CHAIN in result.stdout, result.stdout
    assert (project / "shop" / "helpers.py").read_text() == HELPERS_UNSTAGED

"""SARIF and GitHub annotation paths are relative to the repository root (issue 13).

GitHub places alerts and annotations by the path from the repository root;
in a monorepo whose project root is ``backend/`` a path relative to it
would land nowhere, whichever folder the CI step runs in.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import fastapi_perf

PROJECTS = Path(__file__).resolve().parents[1] / "projects"
ROUTE = "backend/app/api/users.py"


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(PROJECTS / "monorepo", root)
    (root / ".git").mkdir()
    return root


def _sarif_uris(run, base: str = "/repo/") -> set[str]:
    (sarif_run,) = json.loads(run.stdout)["runs"]
    assert sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith(base)
    return {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in sarif_run["results"]}


@pytest.mark.parametrize("start", [".", "backend", "backend/app"])
def test_sarif_uris_start_at_the_repository_root(repository: Path, start: str) -> None:
    run = fastapi_perf("check", ".", "--output-format", "sarif", "--no-cache", "--exit-zero", cwd=repository / start)
    assert run.returncode == 0, run.stderr
    assert _sarif_uris(run) == {ROUTE}


@pytest.mark.parametrize("start", [".", "backend"])
def test_github_annotations_name_files_from_the_repository_root(repository: Path, start: str) -> None:
    run = fastapi_perf("check", ".", "--output-format", "github", "--no-cache", "--exit-zero", cwd=repository / start)
    assert run.returncode == 0, run.stderr
    files = {part.split("=", 1)[1] for line in run.stdout.splitlines() for part in line.split(",") if part.startswith("file=")}
    assert files == {ROUTE}


def test_without_git_paths_start_at_the_common_folder(repository: Path) -> None:
    (repository / ".git").rmdir()
    from_backend = fastapi_perf("check", ".", "--output-format", "sarif", "--no-cache", "--exit-zero", cwd=repository / "backend")
    # The run never saw the folder above backend/: the project root is the base.
    assert _sarif_uris(from_backend, "/repo/backend/") == {"app/api/users.py"}
    from_top = fastapi_perf("check", "backend", "--output-format", "sarif", "--no-cache", "--exit-zero", cwd=repository)
    assert _sarif_uris(from_top) == {ROUTE}

"""A file gets the same findings whatever path the CLI is given (issue 13).

Each workspace of ``tests/projects/`` has a route that calls a blocking
helper in another file; the finding only appears when the module names
the files get match the imports, which must not depend on where the run
starts: the workspace root, any sub-folder, or the file alone.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import fastapi_perf

PROJECTS = Path(__file__).resolve().parents[1] / "projects"

CROSS_FILE = {
    "flat": {"app/main.py": {"FAP103"}, "app/api/routes.py": {"FAP103"}},
    "srclayout": {"src/shop/api.py": {"FAP103"}},
    "monorepo": {"backend/app/api/users.py": {"FAP103"}},
    "nomanifest": {"inventory/routes.py": {"FAP103"}},
    "poetry": {"lib/billing/api.py": {"FAP103"}},
    "namespace": {"code/acme/orders/routes.py": {"FAP104", "FAP106"}},
    "hatchsources": {"backend_src/notes/web.py": {"FAP102"}},
    "nested": {"backend/app/api/users.py": {"FAP103", "FAP107"}},
}
"""The files whose routes reach a blocking call in another file, and its codes."""

Findings = dict[Path, set[tuple]]


@pytest.fixture(params=sorted(CROSS_FILE))
def workspace(request, tmp_path: Path) -> Path:
    """A copy outside this repository, whose own ``pyproject.toml`` would otherwise be found above it."""
    target = tmp_path / request.param
    shutil.copytree(PROJECTS / request.param, target)
    return target


def findings(*paths: str, cwd: Path) -> Findings:
    run = fastapi_perf("check", *paths, "--output-format", "json", "--no-cache", "--exit-zero", cwd=cwd)
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr and "error" not in run.stderr, run.stderr
    per_file: Findings = {}
    for item in json.loads(run.stdout):
        key = (item["code"], item["location"]["row"], item["location"]["column"], item["message"])
        per_file.setdefault((cwd / item["filename"]).resolve(), set()).add(key)
    return per_file


def test_every_start_gives_each_file_the_same_findings(workspace: Path) -> None:
    whole = findings(".", cwd=workspace)
    for relative, expected_codes in CROSS_FILE[workspace.name].items():
        codes = {code for code, *_ in whole.get(workspace / relative, set())}
        assert expected_codes <= codes, f"{relative}: the blocking call in another file is not followed: {whole}"
    sources = sorted(workspace.rglob("*.py"))
    for folder in sorted({p.parent for p in sources if p.parent != workspace}):
        part = findings(".", cwd=folder)
        expected = {path: found for path, found in whole.items() if folder in path.parents}
        assert part == expected, f"started from {folder.relative_to(workspace)}"
    for source in sources:
        alone = findings(str(source.relative_to(workspace)), cwd=workspace)
        assert alone.get(source, set()) == whole.get(source, set()), f"{source.relative_to(workspace)} checked alone"


def test_show_settings_names_the_root_module_and_gate(tmp_path: Path) -> None:
    root = tmp_path / "flat"
    shutil.copytree(PROJECTS / "flat", root)
    run = fastapi_perf("check", "--show-settings", "routes.py", cwd=root / "app" / "api")
    assert run.returncode == 0, run.stderr
    lines = dict(line.split(": ", 1) for line in run.stdout.splitlines())
    assert lines["settings root"] == str(root.resolve())
    assert lines["settings file"] == "none (defaults)"
    assert lines["module"] == "app.api.routes"
    assert lines["target version"] == "not set"
    assert lines["fastapi rules apply"] == "yes"
    assert lines["fastapi declared by"] == str(root.resolve() / "requirements.txt")
    assert "FAP" not in run.stdout  # nothing was checked


def test_show_settings_says_why_the_fastapi_rules_are_off(tmp_path: Path) -> None:
    root = tmp_path / "flat"
    shutil.copytree(PROJECTS / "flat", root)
    (root / ".git").mkdir()
    (root / "requirements.txt").write_text("uvicorn\nfastapi-users\n", encoding="utf-8")
    run = fastapi_perf("check", "--show-settings", "app/api/routes.py", cwd=root)
    assert run.returncode == 0, run.stderr
    lines = dict(line.split(": ", 1) for line in run.stdout.splitlines())
    assert lines["fastapi rules apply"] == "only in files that import fastapi"
    assert lines["fastapi declared by"] == f"no manifest from {root.resolve()} up to the repository root"


def test_show_settings_reports_the_pyproject_and_its_target(tmp_path: Path) -> None:
    root = tmp_path / "srclayout"
    shutil.copytree(PROJECTS / "srclayout", root)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'requires-python = ">=3.10"\n', encoding="utf-8")
    run = fastapi_perf("check", "--show-settings", "src/shop/db.py", cwd=root)
    assert run.returncode == 0, run.stderr
    lines = dict(line.split(": ", 1) for line in run.stdout.splitlines())
    assert lines["settings file"] == "none (defaults)"  # no [tool.fastapi-perf] table: not a settings file
    assert lines["project file"] == str(pyproject.resolve())
    assert lines["module"] == "shop.db"
    assert lines["target version"] == "py310"


@pytest.mark.parametrize(
    ("project", "relative", "module"),
    [
        ("poetry", "lib/billing/invoices.py", "billing.invoices"),
        ("namespace", "code/acme/orders/ledger.py", "acme.orders.ledger"),
        ("namespace", "vendor/store/files.py", "acme.storage.files"),
        ("hatchsources", "backend_src/notes/search.py", "notes.search"),
    ],
)
def test_declared_source_roots_name_namespace_packages(tmp_path: Path, project: str, relative: str, module: str) -> None:
    """Without ``__init__.py`` only the build configuration says where packages live."""
    root = tmp_path / project
    shutil.copytree(PROJECTS / project, root)
    run = fastapi_perf("check", "--show-settings", relative, cwd=root)
    assert run.returncode == 0, run.stderr
    lines = dict(line.split(": ", 1) for line in run.stdout.splitlines())
    assert lines["module"] == module


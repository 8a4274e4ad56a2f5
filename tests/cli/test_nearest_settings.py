"""Each file is checked with its nearest settings file, whatever path is given (issue 13, as Ruff).

``tests/projects/nested`` is a repository whose root ``pyproject.toml``
ignores FAP201, with a ``backend/`` sub-project whose own table ignores
FAP104, silences FAP103 in ``app/legacy.py`` (relative to ``backend/``)
and declares a blocking call its helpers reach, and an ``app/reports/``
folder whose ``.fastapi-perf.toml`` selects FAP104 only. Every finding
below depends on which of the three a file gets.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import fastapi_perf

PROJECTS = Path(__file__).resolve().parents[1] / "projects"

EXPECTED = {
    "tools/status.py": {"FAP103"},  # the root's settings: FAP201 ignored
    "backend/app/api/users.py": {"FAP103", "FAP107", "FAP201"},  # FAP107 only with backend's extend-blocking-calls
    "backend/app/legacy.py": {"FAP201"},  # backend ignores FAP104; its per-file-ignores silences FAP103 here
    "backend/app/reports/export.py": {"FAP104"},  # the nearest file wins whole: FAP104 only
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy outside this repository, whose own ``pyproject.toml`` would otherwise be found above it."""
    target = tmp_path / "nested"
    shutil.copytree(PROJECTS / "nested", target)
    return target


def codes(*args: str, cwd: Path) -> dict[str, set[str]]:
    """The codes found per file, relative to the repository root (``cwd`` or above it)."""
    run = fastapi_perf("check", *args, "--output-format", "json", "--no-cache", "--exit-zero", cwd=cwd)
    assert run.returncode == 0, run.stderr
    root = next(folder for folder in (cwd, *cwd.parents) if folder.name == "nested")
    found: dict[str, set[str]] = {}
    for item in json.loads(run.stdout):
        found.setdefault((cwd / item["filename"]).resolve().relative_to(root.resolve()).as_posix(), set()).add(item["code"])
    return found


def test_each_file_follows_its_nearest_settings_from_the_root(repo: Path) -> None:
    assert codes(".", cwd=repo) == EXPECTED


@pytest.mark.parametrize("start", ["backend", "backend/app", "backend/app/reports"])
def test_a_sub_folder_run_gives_its_files_the_same(repo: Path, start: str) -> None:
    expected = {path: found for path, found in EXPECTED.items() if path.startswith(start + "/")}
    assert codes(".", cwd=repo / start) == expected


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_a_file_alone_gets_the_same(repo: Path, relative: str) -> None:
    assert codes(relative, cwd=repo) == {relative: EXPECTED[relative]}
    folder, name = (repo / relative).parent, (repo / relative).name
    assert codes(name, cwd=folder) == {relative: EXPECTED[relative]}


def test_config_overrides_every_nearest_file(repo: Path) -> None:
    config = repo / "ci" / "fastapi-perf.toml"
    config.parent.mkdir()
    config.write_text('select = ["FAP103", "FAP104"]\n', encoding="utf-8")
    found = codes(".", "--config", "ci/fastapi-perf.toml", cwd=repo)
    assert found == {
        "tools/status.py": {"FAP103"},
        "backend/app/api/users.py": {"FAP103"},
        "backend/app/legacy.py": {"FAP103", "FAP104"},  # backend's per-file-ignores no longer apply
        "backend/app/reports/export.py": {"FAP103", "FAP104"},
    }
    assert codes("backend/app/legacy.py", "--config", "ci/fastapi-perf.toml", cwd=repo) == {
        "backend/app/legacy.py": {"FAP103", "FAP104"}
    }


def test_command_line_selectors_apply_over_every_group(repo: Path) -> None:
    found = codes(".", "--ignore", "FAP103", cwd=repo)
    assert found == {
        "backend/app/api/users.py": {"FAP107", "FAP201"},
        "backend/app/legacy.py": {"FAP201"},
        "backend/app/reports/export.py": {"FAP104"},
    }


def test_exclude_is_read_from_the_nearest_settings_of_each_folder(repo: Path) -> None:
    backend = repo / "backend" / "pyproject.toml"
    backend.write_text(backend.read_text(encoding="utf-8") + 'extend-exclude = ["app/legacy.py"]\n', encoding="utf-8")
    expected = {path: found for path, found in EXPECTED.items() if path != "backend/app/legacy.py"}
    assert codes(".", cwd=repo) == expected
    assert codes(".", cwd=repo / "backend") == {k: v for k, v in expected.items() if k.startswith("backend/")}
    root = repo / "pyproject.toml"  # the root's patterns are relative to the root, and stop at the sub-project
    root.write_text(root.read_text(encoding="utf-8") + 'extend-exclude = ["tools", "backend/app/api"]\n', encoding="utf-8")
    assert codes(".", cwd=repo) == {k: v for k, v in expected.items() if not k.startswith("tools/")}


def test_a_bad_key_in_a_sub_project_names_its_file(repo: Path) -> None:
    settings = repo / "backend" / "app" / "reports" / ".fastapi-perf.toml"
    settings.write_text('selct = ["FAP104"]\n', encoding="utf-8")
    run = fastapi_perf("check", ".", cwd=repo)
    assert run.returncode == 2
    assert str(settings.resolve()) in run.stderr and "did you mean `select`" in run.stderr


def show(path: str, *flags: str, cwd: Path) -> dict[str, str]:
    run = fastapi_perf("check", "--show-settings", path, *flags, cwd=cwd)
    assert run.returncode == 0, run.stderr
    return dict(line.split(": ", 1) for line in run.stdout.splitlines())


def test_show_settings_names_the_file_that_applies(repo: Path) -> None:
    real = repo.resolve()
    tools = show("tools/status.py", cwd=repo)
    assert tools["settings file"] == str(real / "pyproject.toml")
    assert tools["settings root"] == str(real)
    users = show("app/api/users.py", cwd=repo / "backend")
    assert users["settings file"] == str(real / "backend" / "pyproject.toml")
    assert users["settings root"] == str(real / "backend")
    assert users["module"] == "app.api.users"
    assert users["fastapi rules apply"] == "yes"
    export = show("backend/app/reports/export.py", cwd=repo)
    assert export["settings file"] == str(real / "backend" / "app" / "reports" / ".fastapi-perf.toml")
    assert export["project file"] == str(real / "backend" / "pyproject.toml")
    assert export["settings root"] == str(real / "backend")  # the project is still backend's
    assert export["fastapi rules apply"] == "yes"
    (repo / "ci.toml").write_text("ignore = []\n", encoding="utf-8")
    overridden = show("backend/app/legacy.py", "--config", "ci.toml", cwd=repo)
    assert overridden["settings file"] == str(real / "ci.toml")
    assert overridden["settings root"] == str(real / "backend")


def add_report_helper(repo: Path) -> Path:
    """A route of ``users.py`` (backend's settings) that calls a helper of ``app/reports`` (its own settings file)."""
    reports = repo / "backend" / "app" / "reports"
    (reports / "pdf.py").write_text("import slowlib\n\n\ndef render():\n    return slowlib.render()\n", encoding="utf-8")
    users = repo / "backend" / "app" / "api" / "users.py"
    users.write_text(
        users.read_text(encoding="utf-8").replace("from app import crud\n", "from app import crud\nfrom app.reports import pdf\n")
        + '\n\n@router.get("/report")\nasync def report():\n    return pdf.render()\n',
        encoding="utf-8",
    )
    return reports


def declare_render_blocking(reports: Path) -> None:
    settings = reports / ".fastapi-perf.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + 'extend-blocking-calls = { FAP107 = ["slowlib.render"] }\n', encoding="utf-8")


def test_a_cached_result_is_renewed_when_the_settings_a_helper_was_summarised_with_change(repo: Path) -> None:
    """``users.py`` (backend's settings) calls a helper of ``app/reports`` (its own settings file)."""
    reports = add_report_helper(repo)

    def blocking_rows() -> set[int]:
        run = fastapi_perf("check", "app/api/users.py", "--output-format", "json", "--exit-zero", cwd=repo / "backend")
        assert run.returncode == 0, run.stderr
        return {item["location"]["row"] for item in json.loads(run.stdout) if item["code"] == "FAP107"}

    before = blocking_rows()
    assert blocking_rows() == before  # from the cache
    declare_render_blocking(reports)
    after = blocking_rows()
    assert len(after) == len(before) + 1, (before, after)


@pytest.mark.parametrize(("owner", "summary"), [
    ("backend/pyproject.toml", "[*] 4 fixable with the `--fix` option."),  # the three unsafe fixes are backend's
    ("pyproject.toml", "3 more fixes available with `--unsafe-fixes`."),  # the root's unsafe-fixes is not backend's
])
def test_unsafe_fixes_is_each_files_own(repo: Path, owner: str, summary: str) -> None:
    settings = repo / owner
    settings.write_text(settings.read_text(encoding="utf-8") + "unsafe-fixes = true\n", encoding="utf-8")
    run = fastapi_perf("check", ".", "--no-cache", cwd=repo)
    assert run.returncode == 1, run.stderr
    assert summary in run.stdout, run.stdout


def test_worker_processes_give_each_group_the_same_findings(repo: Path, monkeypatch, capsys) -> None:
    """Each group's workers summarise the other files with their own settings too (``FolderOptions``)."""
    from fastapi_perf.checker import runner
    from fastapi_perf.cli import main

    declare_render_blocking(add_report_helper(repo))
    monkeypatch.setattr(runner, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(runner.os, "cpu_count", lambda: 2)
    monkeypatch.chdir(repo)
    assert main(["check", ".", "--no-cache", "--output-format", "json", "--exit-zero"]) == 0
    found: dict[str, set[str]] = {}
    for item in json.loads(capsys.readouterr().out):
        name = (repo / item["filename"]).resolve().relative_to(repo.resolve()).as_posix()
        found.setdefault(name, set()).add((item["code"], item["location"]["row"]))
    assert {name: {code for code, _ in items} for name, items in found.items()} == EXPECTED
    assert ("FAP107", 21) in found["backend/app/api/users.py"]  # pdf.render() blocks by app/reports' own settings

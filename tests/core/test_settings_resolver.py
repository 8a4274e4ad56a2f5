"""Which settings file applies to a file (``SettingsResolver``), as Ruff decides it (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastapi_perf.config import ConfigError, SettingsResolver, load_settings


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_folder_prefers_the_dot_file_then_the_plain_file_then_its_pyproject_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.fastapi-perf]\nignore = ["FAP101"]\n')
    assert load_settings(tmp_path).settings_file == tmp_path / "pyproject.toml"
    write(tmp_path / "fastapi-perf.toml", 'ignore = ["FAP102"]\n')
    assert load_settings(tmp_path).ignore == ("FAP102",)
    write(tmp_path / ".fastapi-perf.toml", 'ignore = ["FAP103"]\n')
    settings = load_settings(tmp_path)
    assert settings.ignore == ("FAP103",) and settings.settings_file == tmp_path / ".fastapi-perf.toml"


def test_a_pyproject_without_a_table_does_not_stop_the_search_but_is_the_project(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "repo"\nrequires-python = ">=3.9"\n[tool.fastapi-perf]\nignore = ["FAP201"]\n')
    write(tmp_path / "backend" / "pyproject.toml", '[project]\nname = "api"\nrequires-python = ">=3.12"\ndependencies = ["fastapi"]\n')
    settings = load_settings(tmp_path / "backend" / "app.py")
    assert settings.ignore == ("FAP201",) and settings.settings_file == tmp_path / "pyproject.toml"
    assert settings.root == tmp_path / "backend"
    assert settings.target_version == (3, 12) and settings.project_uses_fastapi
    assert settings.settings_folder == tmp_path  # per-file-ignores and exclude stay relative to the file they are in


def test_target_version_of_the_settings_wins_over_requires_python(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "api"\nrequires-python = ">=3.12"\n')
    write(tmp_path / "fastapi-perf.toml", 'target-version = "py310"\n')
    assert load_settings(tmp_path).target_version == (3, 10)


def test_relative_per_file_ignores_are_relative_to_the_settings_file(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "api"\n')
    write(tmp_path / "app" / ".fastapi-perf.toml", '[per-file-ignores]\n"routes/*.py" = ["FAP103"]\n')
    settings = load_settings(tmp_path / "app")
    assert settings.ignored_codes(tmp_path / "app" / "routes" / "x.py") == ("FAP103",)
    assert settings.ignored_codes(tmp_path / "routes" / "x.py") == ()


def test_config_file_serves_every_folder_and_folders_share_settings(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "api"\n')
    write(tmp_path / "a" / ".fastapi-perf.toml", 'ignore = ["FAP101"]\n')
    config = write(tmp_path / "ci.toml", 'ignore = ["FAP104"]\n')
    (tmp_path / "b" / "c").mkdir(parents=True)
    forced = SettingsResolver(config)
    assert forced.for_folder(tmp_path / "a").ignore == ("FAP104",)
    resolver = SettingsResolver()
    assert resolver.for_folder(tmp_path / "a").ignore == ("FAP101",)
    assert resolver.for_folder(tmp_path / "b") is resolver.for_folder(tmp_path / "b" / "c")


def test_adjust_applies_to_each_loaded_settings(tmp_path: Path) -> None:
    write(tmp_path / "a" / ".fastapi-perf.toml", 'ignore = ["FAP101"]\n')
    (tmp_path / "b").mkdir()
    resolver = SettingsResolver(adjust=lambda s: s.with_overrides(ignore=(*s.ignore, "FAP2")))
    assert resolver.for_folder(tmp_path / "a").ignore == ("FAP101", "FAP2")
    assert resolver.for_folder(tmp_path / "b").ignore == ("FAP2",)


def test_a_tool_header_in_a_fastapi_perf_toml_is_refused_with_why(tmp_path: Path) -> None:
    write(tmp_path / "fastapi-perf.toml", '[tool.fastapi-perf]\nignore = ["FAP101"]\n')
    with pytest.raises(ConfigError, match="top level"):
        load_settings(tmp_path)


def test_folders_nothing_roots_take_the_root_of_the_run(tmp_path: Path) -> None:
    """No manifest, marker or package: the run's start is the root of all, as before settings were per file."""
    (tmp_path / "tools" / "deep").mkdir(parents=True)
    assert SettingsResolver(start=tmp_path).for_folder(tmp_path / "tools" / "deep").root == tmp_path
    assert SettingsResolver().for_folder(tmp_path / "tools" / "deep").root == tmp_path / "tools" / "deep"
    write(tmp_path / "tools" / "setup.cfg", "")
    assert SettingsResolver(start=tmp_path).for_folder(tmp_path / "tools" / "deep").root == tmp_path / "tools"

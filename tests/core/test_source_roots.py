"""Declared source roots name namespace packages as the build installs them (issue 13)."""

from __future__ import annotations

from pathlib import Path

from fastapi_perf.analysis.names.modules import module_name_for


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def test_setup_cfg_package_dir_and_find_where(tmp_path: Path) -> None:
    _write(tmp_path, {"setup.cfg": "[options]\npackage_dir =\n    =python\n", "python/svc/jobs.py": ""})
    assert module_name_for(tmp_path / "python/svc/jobs.py", tmp_path) == ("svc.jobs", False)
    _write(tmp_path, {"setup.cfg": "[options.packages.find]\nwhere = lib\n", "lib/svc/jobs.py": ""})
    assert module_name_for(tmp_path / "lib/svc/jobs.py", tmp_path) == ("svc.jobs", False)


def test_hatch_sources_rename_a_folder(tmp_path: Path) -> None:
    pyproject = '[tool.hatch.build.targets.wheel.sources]\n"src/legacy_name" = "shop"\n'
    _write(tmp_path, {"pyproject.toml": pyproject, "src/legacy_name/cart.py": "", "src/other/x.py": ""})
    assert module_name_for(tmp_path / "src/legacy_name/cart.py", tmp_path) == ("shop.cart", False)
    assert module_name_for(tmp_path / "src/other/x.py", tmp_path) == ("other.x", False)  # src/ dropped as before


def test_a_rename_wins_over_the_init_chain(tmp_path: Path) -> None:
    pyproject = '[tool.setuptools.package-dir]\n"acme" = "acme_src"\n'
    _write(tmp_path, {"pyproject.toml": pyproject, "acme_src/__init__.py": "", "acme_src/api.py": ""})
    assert module_name_for(tmp_path / "acme_src/api.py", tmp_path) == ("acme.api", False)
    assert module_name_for(tmp_path / "acme_src/__init__.py", tmp_path) == ("acme", True)


def test_an_edited_declaration_is_read_again(tmp_path: Path) -> None:
    _write(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n", "code/ns/a.py": ""})
    assert module_name_for(tmp_path / "code/ns/a.py", tmp_path)[0] == "code.ns.a"
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.setuptools.packages.find]\nwhere = ['code']\n# edited\n", encoding="utf-8")
    assert module_name_for(tmp_path / "code/ns/a.py", tmp_path)[0] == "ns.a"


def test_broken_or_outside_declarations_change_nothing(tmp_path: Path) -> None:
    _write(tmp_path, {"pyproject.toml": "[tool.setuptools\n", "app/__init__.py": "", "app/main.py": ""})
    assert module_name_for(tmp_path / "app/main.py", tmp_path) == ("app.main", False)
    _write(tmp_path, {"pyproject.toml": '[tool.setuptools.package-dir]\n"" = "../elsewhere"\n'})
    assert module_name_for(tmp_path / "app/main.py", tmp_path) == ("app.main", False)

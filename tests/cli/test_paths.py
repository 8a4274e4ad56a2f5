"""What ``fastapi-perf check`` does with unusual paths: very deep trees, and named paths that give nothing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .conftest import fastapi_perf
from .test_check import APP

DEPTH = 1500


def deep_folder(top: Path, depth: int) -> Path:
    """``top/d/d/.../d``, made one level at a time (``os.makedirs`` itself recurses per level)."""
    folder = top
    for _ in range(depth):
        folder = folder / "d"
        folder.mkdir()
    return folder


def remove_deep(top: Path) -> None:
    """Remove what ``deep_folder`` made, bottom up (``shutil.rmtree`` recurses per level too)."""
    folders = []
    folder = top / "d"
    while folder.is_dir():
        folders.append(folder)
        folder = folder / "d"
    for folder in reversed(folders):
        for child in folder.iterdir():
            if not child.is_dir():
                child.unlink()
        folder.rmdir()


@pytest.fixture
def deep(tmp_path: Path):
    yield tmp_path
    remove_deep(tmp_path)


def test_a_tree_1500_folders_deep_is_checked_and_fixed(deep: Path) -> None:
    tmp_path = deep
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'deep'\ndependencies = ['fastapi']\n")
    (tmp_path / ".gitignore").write_text("ignored.py\n")
    bottom = deep_folder(tmp_path, DEPTH)
    (bottom / "app.py").write_text(APP)
    (bottom / "ignored.py").write_text(APP)
    run = fastapi_perf("check", cwd=tmp_path)
    assert "RecursionError" not in run.stderr and "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.returncode == 1
    found = re.findall(r"^(\S+):\d+:\d+: (FAP\d+)", run.stdout, re.MULTILINE)
    assert sorted(code for _, code in found) == ["FAP103", "FAP201"]
    assert all(path.endswith("/d/app.py") and path.count("d/") == DEPTH for path, _ in found)
    fixed = fastapi_perf("check", "--fix", cwd=tmp_path)
    assert fixed.returncode == 0 and "Fixed 1 finding." in fixed.stdout, fixed.stderr[-2000:]
    assert "await asyncio.sleep(1)" in (bottom / "app.py").read_text()


def nothing_checked(root: Path, target: str) -> str:
    """Check ``target`` alone; it gives no file: return the one warning."""
    run = fastapi_perf("check", "--no-cache", target, cwd=root)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "No files were checked (see the warnings above).\n", "not \"All checks passed!\""
    (warning,) = run.stderr.splitlines()
    assert warning.startswith(f"fastapi-perf: warning: {target}: ")
    return warning.removeprefix(f"fastapi-perf: warning: {target}: ")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_a_named_fifo_or_device_is_skipped_with_the_reason(project) -> None:
    root = project({"app.py": APP})
    os.mkfifo(root / "pipe.py")
    assert nothing_checked(root, "pipe.py") == "skipped: a FIFO, not a regular file"
    assert nothing_checked(root, "/dev/null") == "skipped: a character device, not a regular file"
    (root / "zero.py").symlink_to("/dev/zero")
    assert nothing_checked(root, "zero.py") == "skipped: a character device, not a regular file"


def test_a_named_folder_without_files_to_check_says_what_it_skipped(project) -> None:
    root = project({"pyproject.toml": "[tool.fastapi-perf]\nexclude = ['generated/']\n", "app.py": APP})
    (root / "empty").mkdir()
    assert nothing_checked(root, "empty") == "nothing to check: no Python files in it"
    (root / "env" / ".venv" / "lib").mkdir(parents=True)
    (root / "env" / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    (root / "env" / ".venv" / "lib" / "app.py").write_text(APP)
    (root / "env" / "node_modules").mkdir()
    (root / "env" / "generated").mkdir()
    (root / "env" / "generated" / "app.py").write_text(APP)
    (root / "env" / ".gitignore").write_text("old.py\n")
    (root / "env" / "old.py").write_text(APP)
    assert nothing_checked(root, "env") == (
        "nothing to check: no Python files in it (skipped: 2 excluded by `exclude` or `.gitignore`; 2 folders never "
        "checked (`.venv`, `node_modules`: virtual environments, dependencies, build output, tool caches))"
    )


def test_a_skipped_path_beside_a_checked_file_is_named(project) -> None:
    root = project({"app.py": APP})
    (root / "empty").mkdir()
    run = fastapi_perf("check", "--no-cache", "app.py", "empty", cwd=root)
    assert run.returncode == 1
    assert "fastapi-perf: warning: empty: nothing to check: no Python files in it" in run.stderr
    assert "Found 2 findings." in run.stdout

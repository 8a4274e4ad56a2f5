"""``fastapi-perf check --fix`` leaves files whole: line endings, byte-order marks, modes, links, failures."""

from __future__ import annotations

import difflib
import os
import stat
import subprocess
from pathlib import Path

import pytest

from .conftest import fastapi_perf

PYPROJECT = "[project]\nname = 'app'\ndependencies = ['fastapi']\n"
APP = """import time
from fastapi import FastAPI

app = FastAPI()
STARTED = time.time()


@app.get("/")
async def root():
    time.sleep(1)
    return {}
"""
FIXED_LINE = "    await asyncio.sleep(1)"


def endings(data: bytes) -> list[bytes]:
    """The line ending of every line, in order."""
    found, index = [], 0
    while index < len(data):
        if data.startswith(b"\r\n", index):
            found.append(b"\r\n")
            index += 2
        elif data[index : index + 1] in (b"\r", b"\n"):
            found.append(data[index : index + 1])
            index += 1
        else:
            index += 1
    return found


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT)
    return root


def mixed(text: str) -> bytes:
    """``\\n``, ``\\r\\n`` and ``\\r`` in turn."""
    return "".join(line + ("\n", "\r\n", "\r")[i % 3] for i, line in enumerate(text.splitlines())).encode()


@pytest.mark.parametrize(
    "name, data",
    [
        ("lf", APP.encode()),
        ("crlf", APP.replace("\n", "\r\n").encode()),
        ("cr", APP.replace("\n", "\r").encode()),
        ("mixed", mixed(APP)),
        ("bom", b"\xef\xbb\xbf" + APP.encode()),
        ("bom-crlf", b"\xef\xbb\xbf" + APP.replace("\n", "\r\n").encode()),
    ],
)
def test_fix_keeps_line_endings_and_the_byte_order_mark(tree: Path, name: str, data: bytes) -> None:
    path = tree / f"{name}.py"
    path.write_bytes(data)
    run = fastapi_perf("check", "--fix", "--no-cache", cwd=tree)
    assert run.returncode == 0 and "Fixed 1 finding." in run.stdout, (run.stdout, run.stderr)
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    assert after.count(b"\xef\xbb\xbf") == data.count(b"\xef\xbb\xbf")
    text = after.decode("utf-8-sig")
    assert FIXED_LINE in text.replace("\r\n", "\n").replace("\r", "\n").splitlines()
    # The sleep line is replaced (keeping its ending), one import is added (ending like the line before
    # or after it), and every other line is unchanged, its ending included.
    before_lines = data.decode("utf-8-sig").splitlines(keepends=True)
    after_lines = text.splitlines(keepends=True)
    changes = [op for op in difflib.SequenceMatcher(None, before_lines, after_lines, autojunk=False).get_opcodes() if op[0] != "equal"]
    removed = [before_lines[i] for _, i1, i2, _, _ in changes for i in range(i1, i2)]
    added = [after_lines[j] for _, _, _, j1, j2 in changes for j in range(j1, j2)]
    (sleep,) = [line for line in before_lines if "time.sleep" in line]
    assert removed == [sleep], changes
    assert sorted(added) == sorted([FIXED_LINE + sleep[len(sleep.rstrip("\r\n")):], *[a for a in added if a.startswith("import asyncio")]])
    (added_import,) = [a for a in added if a.startswith("import asyncio")]
    index = after_lines.index(added_import)
    neighbours = after_lines[max(index - 1, 0) : index] + after_lines[index + 1 : index + 2]
    assert any(added_import[len("import asyncio"):] == n[len(n.rstrip("\r\n")):] for n in neighbours)
    compile(text, name, "exec")


def test_fix_writes_atomically_and_keeps_the_mode(tree: Path) -> None:
    path = tree / "app.py"
    path.write_text(APP)
    path.chmod(0o751)
    before = path.stat()
    with path.open("rb") as old:
        run = fastapi_perf("check", "--fix", "--no-cache", cwd=tree)
        assert old.read() == APP.encode(), "the file was replaced, not rewritten in place"
    assert run.returncode == 0, run.stderr
    after = path.stat()
    assert stat.S_IMODE(after.st_mode) == 0o751
    assert after.st_ino != before.st_ino
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert FIXED_LINE in path.read_text()
    assert sorted(p.name for p in tree.iterdir()) == ["app.py", "pyproject.toml"], "no temporary file left"


def test_a_link_to_a_file_outside_the_tree_is_reported_and_left_alone(tree: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "shared.py"
    outside.parent.mkdir()
    outside.write_text(APP)
    (tree / "shared.py").symlink_to(outside)
    (tree / "inside.py").write_text(APP)
    (tree / "alias.py").symlink_to(tree / "inside.py")  # a link inside the tree is fine
    run = fastapi_perf("check", "--fix", "--no-cache", cwd=tree)
    assert outside.read_text() == APP, "wrote outside the checked tree"
    assert (tree / "shared.py").is_symlink() and (tree / "alias.py").is_symlink()
    assert FIXED_LINE in (tree / "inside.py").read_text()
    warnings = [line for line in run.stderr.splitlines() if "shared.py" in line]
    assert warnings == [f"fastapi-perf: warning: shared.py: not fixed: it links to {outside}, outside the checked tree"]
    assert "shared.py:10:5: FAP103" in run.stdout, "its findings are still reported"
    assert run.returncode == 1, "findings remain"
    named = fastapi_perf("check", "--fix", "--no-cache", "shared.py", cwd=tree)
    assert outside.read_text() == APP and "outside the checked tree" in named.stderr


def test_a_read_only_file_is_reported_and_the_others_are_fixed(tree: Path) -> None:
    for name in ("a.py", "b.py", "c.py"):
        (tree / name).write_text(APP)
    (tree / "b.py").chmod(0o444)
    run = fastapi_perf("check", "--fix", "--no-cache", cwd=tree)
    assert run.returncode == 2, "a fix that could not be written is an error"
    errors = [line for line in run.stderr.splitlines() if line.startswith("fastapi-perf: error:")]
    assert errors == ["fastapi-perf: error: b.py: cannot write the fixes: the file is read-only"]
    assert (tree / "b.py").read_text() == APP
    assert FIXED_LINE in (tree / "a.py").read_text() and FIXED_LINE in (tree / "c.py").read_text()
    assert "Fixed 2 findings." in run.stdout
    assert "b.py:10:5: FAP103" in run.stdout
    assert fastapi_perf("check", "--fix", "--no-cache", "--exit-zero", cwd=tree).returncode == 2


def _make_unwritable(folder: Path) -> bool:
    """Stop files being created in ``folder``: by permissions, or (root ignores those) the immutable flag."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return True
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    return done.returncode == 0


def _restore(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True, check=False)
    folder.chmod(0o755)


def test_a_failed_write_is_one_line_and_the_others_are_fixed(tree: Path) -> None:
    locked = tree / "locked"
    locked.mkdir()
    (locked / "app.py").write_text(APP)
    (tree / "app.py").write_text(APP)
    if not _make_unwritable(locked):
        pytest.skip("cannot make a folder unwritable here (root without chattr)")
    try:
        run = fastapi_perf("check", "--fix", "--no-cache", cwd=tree)
        assert sorted(p.name for p in locked.iterdir()) == ["app.py"], "no temporary file left"
    finally:
        _restore(locked)
    assert run.returncode == 2
    errors = [line for line in run.stderr.splitlines() if line.startswith("fastapi-perf: error:")]
    assert len(errors) == 1 and errors[0].startswith("fastapi-perf: error: locked/app.py: cannot write the fixes: ")
    assert "Traceback" not in run.stderr
    assert (locked / "app.py").read_text() == APP
    assert FIXED_LINE in (tree / "app.py").read_text()

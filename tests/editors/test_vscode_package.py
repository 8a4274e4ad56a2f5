"""What the .vsix holds, and how its server is unpacked (vscode-extension/bundled/unpack.py).

The extension ships fastapi-perf and its pure-Python dependencies as wheels,
so that `vsce package` and VS Code's installer handle a few dozen files
instead of thousands; the launcher has the chosen Python unpack them once
before the first start. The end-to-end test (test_vscode.py) runs the
unpacked server in a real VS Code; these tests pin the contents and the
unpacking rules: first writable folder wins, a second start reuses the
folder, concurrent starts agree, stale folders go.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from fastapi_perf import __version__

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "vscode-extension"
VSIX = EXTENSION / "fastapi-perf.vsix"
UNPACK = EXTENSION / "bundled" / "unpack.py"
BUILD = "./scripts/build-vsix.sh"

# Line 10's receiver is typed only by jedi (through its sqlite3 stubs, read from disk).
APP = """import asyncio
import sqlite3
from fastapi import FastAPI
app = FastAPI()

@app.post('/n')
async def n():
    conn, limit = sqlite3.connect('x.db'), 1
    await asyncio.sleep(0)
    return conn.execute('SELECT name FROM t LIMIT ?', (limit,)).fetchone()
"""


def vsix_names() -> list[str]:
    if not VSIX.exists():
        pytest.fail(f"{VSIX} is missing; run {BUILD}")
    with zipfile.ZipFile(VSIX) as archive:
        return archive.namelist()


def release(distribution: str, version: str) -> str:
    """One spelling for a distribution and version, as wheel file names spell them."""
    return f"{re.sub(r'[-_.]+', '_', distribution).lower()}-{version}"


def pinned() -> dict[str, str]:
    """release -> sha256, from requirements-bundled.txt."""
    pins = {}
    for line in (EXTENSION / "requirements-bundled.txt").read_text().splitlines():
        match = re.fullmatch(r"([\w.-]+)==(\S+) --hash=sha256:([0-9a-f]{64})", line.strip())
        if match:
            pins[release(match[1], match[2])] = match[3]
    return pins


def test_the_vsix_holds_tens_of_files_as_documented() -> None:
    names = vsix_names()
    assert len(names) < 40, names
    assert "extension/dist/extension.js" in names and "extension/bundled/unpack.py" in names
    assert not [n for n in names if "node_modules" in n or n.endswith((".ts", ".map"))], names
    documented = re.search(r"the `\.vsix` holds (\d+) files", (ROOT / "docs" / "editors" / "vscode.md").read_text())
    assert documented and int(documented[1]) == len(names), "docs/editors/vscode.md gives the count"


def test_the_bundled_wheels_are_the_pinned_ones_and_pure_python() -> None:
    pins = pinned()
    lines = [line for line in (EXTENSION / "requirements-bundled.txt").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert pins and len(pins) == len(lines), "every requirement is pinned with its hash"
    with zipfile.ZipFile(VSIX) as archive:
        wheels = {Path(n).name: archive.read(n) for n in vsix_names() if n.startswith("extension/bundled/wheels/")}
    assert all(name.endswith("-none-any.whl") for name in wheels), sorted(wheels)
    found = {release(*name.split("-")[:2]): hashlib.sha256(data).hexdigest()
             for name, data in wheels.items() if not name.startswith("fastapi_perf-")}
    assert found == pins
    assert f"fastapi_perf-{__version__}-py3-none-any.whl" in wheels
    for name, data in wheels.items():
        with zipfile.ZipFile(io.BytesIO(data)) as wheel:
            # A wheel with a .data folder would need installing, not unpacking.
            assert not [n for n in wheel.namelist() if n.split("/")[0].endswith(".data")], name


def test_the_bundled_server_is_this_tree() -> None:
    """A stale .vsix fails here: every module of server/fastapi_perf is in the wheel, byte for byte."""
    (name,) = [n for n in vsix_names() if re.search(r"/fastapi_perf-[^/]+\.whl$", n)]
    with zipfile.ZipFile(VSIX) as archive, zipfile.ZipFile(io.BytesIO(archive.read(name))) as wheel:
        shipped = {n: wheel.read(n) for n in wheel.namelist() if n.startswith("fastapi_perf/")}
    source = ROOT / "server"
    tree = {p.relative_to(source).as_posix(): p.read_bytes() for p in (source / "fastapi_perf").rglob("*.py")}
    assert {n for n in shipped if n.endswith(".py")} == set(tree), f"run {BUILD}"
    assert [n for n in tree if shipped[n] != tree[n]] == [], f"the .vsix is older than server/; run {BUILD}"


def unpack(wheels: Path, *roots: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-I", str(UNPACK), str(wheels), *map(str, roots)],
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_unpacked_server_runs_and_its_jedi_finds_its_files(tmp_path: Path) -> None:
    """Unpacked from the .vsix, the server checks a file, and `--infer` (jedi, parso) works from disk."""
    with zipfile.ZipFile(VSIX) as archive:
        archive.extractall(tmp_path / "vsix")
    bundled = tmp_path / "vsix" / "extension" / "bundled"
    result = unpack(bundled / "wheels", bundled, tmp_path / "storage")
    assert result.returncode == 0, result.stdout + result.stderr
    libs = Path(result.stdout.strip().splitlines()[-1])
    assert libs.parent == bundled and libs.name.startswith("libs-")
    (tmp_path / "app.py").write_text(APP)
    # jedi's first run compiles jedi and parses stubs (no bytecode is written here): more than
    # the CLI's one-second budget on a loaded machine, so the budget is lifted.
    script = ("import sys, fastapi_perf; print(fastapi_perf.__file__); from fastapi_perf.checker import runner; "
              "runner.INFERENCE_BUDGET_S = 120; from fastapi_perf.cli import main; "
              "sys.exit(main(['check', '--select', 'FAP107', '--infer', '--no-cache', 'app.py']))")
    env = {**os.environ, "PYTHONPATH": str(libs)}
    check = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120, check=False)
    assert check.stdout.startswith(str(libs)), "the bundled copy, not this venv's"
    findings = re.findall(r"^app\.py:(\d+):\d+: FAP107", check.stdout, re.MULTILINE)
    assert check.returncode == 1 and findings == ["8", "10"], check.stdout + check.stderr


def make_wheels(folder: Path, version: str = "1") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("alpha", "beta"):
        with zipfile.ZipFile(folder / f"{name}-{version}-py3-none-any.whl", "w") as wheel:
            wheel.writestr(f"{name}/__init__.py", f"VERSION = {version!r}\n")
            wheel.writestr(f"{name}/data/grammar.txt", "read from disk\n")
            wheel.writestr(f"{name}-{version}.dist-info/METADATA", f"Name: {name}\nVersion: {version}\n")
    return folder


def test_unpacks_once_into_a_folder_named_by_the_wheels(tmp_path: Path) -> None:
    wheels = make_wheels(tmp_path / "wheels")
    first = unpack(wheels, tmp_path / "ext")
    assert first.returncode == 0, first.stdout + first.stderr
    libs = Path(first.stdout.strip())
    assert (libs / "alpha" / "data" / "grammar.txt").read_text() == "read from disk\n"
    assert (libs / "beta-1.dist-info" / "METADATA").exists()
    (libs / "planted").write_text("")  # a second start must not unpack again
    second = unpack(wheels, tmp_path / "ext")
    assert second.stdout == first.stdout and (libs / "planted").exists()
    assert [p.name for p in (tmp_path / "ext").iterdir()] == [libs.name], "no staging folder is left"


def test_falls_back_to_the_next_root_when_one_cannot_be_written(tmp_path: Path) -> None:
    wheels = make_wheels(tmp_path / "wheels")
    blocked = tmp_path / "ext"
    blocked.write_text("a file where the folder should be")  # unwritable even for root
    result = unpack(wheels, blocked, tmp_path / "storage")
    assert result.returncode == 0, result.stdout + result.stderr
    assert Path(result.stdout.strip()).parent == tmp_path / "storage"


def test_fails_with_the_reason_when_no_root_can_be_written(tmp_path: Path) -> None:
    wheels = make_wheels(tmp_path / "wheels")
    (tmp_path / "ext").write_text("")
    result = unpack(wheels, tmp_path / "ext")
    assert result.returncode == 1
    assert result.stdout.startswith("could not unpack the bundled server") and str(tmp_path / "ext") in result.stdout
    empty = unpack(tmp_path / "nothing-here", tmp_path / "storage")
    assert empty.returncode == 1 and "no wheels in" in empty.stdout


def test_new_wheels_get_a_new_folder_and_stale_ones_go(tmp_path: Path) -> None:
    root = tmp_path / "storage"
    old = Path(unpack(make_wheels(tmp_path / "old"), root).stdout.strip())
    abandoned, in_progress = root / ".unpacking-crashed", root / ".unpacking-running"
    abandoned.mkdir()
    in_progress.mkdir()
    hour_ago = time.time() - 2 * 3600
    os.utime(abandoned, (hour_ago, hour_ago))
    new = Path(unpack(make_wheels(tmp_path / "new", version="2"), root).stdout.strip())
    assert new != old and (new / "alpha" / "__init__.py").read_text() == "VERSION = '2'\n"
    assert sorted(p.name for p in root.iterdir()) == sorted([new.name, in_progress.name]), \
        "the old bundle and the abandoned staging folder are removed; a start in progress is left alone"


def test_concurrent_starts_agree_on_one_complete_folder(tmp_path: Path) -> None:
    wheels = make_wheels(tmp_path / "wheels")
    starts = [subprocess.Popen([sys.executable, "-I", str(UNPACK), str(wheels), str(tmp_path / "ext")],
                               stdout=subprocess.PIPE, text=True) for _ in range(4)]
    printed = {process.communicate(timeout=120)[0] for process in starts}
    assert [process.returncode for process in starts] == [0, 0, 0, 0]
    assert len(printed) == 1
    libs = Path(printed.pop().strip())
    assert [p.name for p in (tmp_path / "ext").iterdir()] == [libs.name]
    assert (libs / "beta" / "data" / "grammar.txt").exists()

"""The server never runs workspace code; untrusted, it starts no process at all.

A workspace is planted with files that run code in all the usual ways
(``sitecustomize.py``, ``usercustomize.py``, ``conftest.py``, ``.pth`` files
in the folder and in its virtualenv, modules named like ones the server
imports lazily — ``jedi``, ``parso`` — a module the app imports, and a fake
``.venv/bin/python``); each writes a marker file when it runs. A control
test runs them the ordinary way and sees every marker appear, so their
absence later means something.

Then the real server is started the way an editor starts it: in the
workspace folder, with ``VIRTUAL_ENV`` and ``PATH`` pointing at the fake
virtualenv, the ``interpreter`` setting naming its python, jedi inference
on (and seen answering a question), and the workspace indexed. A witness
installed in the server process (``audit/sitecustomize.py``, an audit hook)
logs every process it starts and every code object it runs from the
workspace:

- untrusted (``--untrusted``, or ``"trusted"`` from the client with anything but ``true``):
  no marker, no code from the workspace, and no process started at all;
- trusted, outside any virtualenv and without an interpreter setting: no
  marker and no workspace code (jedi may start a helper process of the
  server's own Python);
- trusted, in the workspace's virtualenv and with the interpreter setting:
  that interpreter is started (jedi introspects compiled libraries with
  it) — what trust means, and the proof that the witness would have seen
  it — and still no workspace code runs in the server.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from .harness import ROOT, RecordingClient, close, initialize, make_client, open_text

pytestmark = pytest.mark.timeout(120)

AUDIT = Path(__file__).resolve().parent / "audit"
PYVER = f"python{sys.version_info.major}.{sys.version_info.minor}"

# jedi types ``again`` (the import table cannot: it comes out of a lambda), so a
# second publication with FAP107 on line 15 shows inference ran.
APP = """import asyncio
import sqlite3

import helpers
from fastapi import FastAPI

app = FastAPI()


@app.post("/count")
async def count(table: str):
    conn, reopen = sqlite3.connect("app.db"), lambda: sqlite3.connect("app.db")
    again = reopen()
    await asyncio.sleep(0)
    return again.execute("SELECT name FROM items LIMIT ?", (helpers.LIMIT,)).fetchone()
"""
JEDI_LINE = 15


def marker_code(markers: Path, name: str) -> str:
    return f"open({str(markers / name)!r}, 'w').close()"


def plant(workspace: Path, markers: Path) -> list[str]:
    """Plant every kind of file that runs code; return the marker names they write."""
    markers.mkdir()
    site = workspace / ".venv" / "lib" / PYVER / "site-packages"
    site.mkdir(parents=True)
    (workspace / ".venv" / "pyvenv.cfg").write_text(f"home = {Path(sys.executable).parent}\n")
    python = workspace / ".venv" / "bin" / "python"
    python.parent.mkdir()
    python.write_text(f"#!/bin/sh\ntouch {markers / 'interpreter'}\nexec {sys.executable} \"$@\"\n")
    python.chmod(0o755)
    for alias in ("python3", PYVER):
        (python.parent / alias).symlink_to("python")
    planted = {
        workspace / "sitecustomize.py": "sitecustomize",
        workspace / "usercustomize.py": "usercustomize",
        workspace / "conftest.py": "conftest",
        workspace / "jedi.py": "jedi",
        workspace / "parso.py": "parso",
        site / "sitecustomize.py": "venv-sitecustomize",
    }
    for path, name in planted.items():
        path.write_text(marker_code(markers, name) + "\n")
    (workspace / "helpers.py").write_text(marker_code(markers, "helpers") + "\nLIMIT = 10\n")
    (workspace / "evil.pth").write_text(f"import os; {marker_code(markers, 'pth')}\n")
    (site / "evil.pth").write_text(f"import os; {marker_code(markers, 'venv-pth')}\n")
    (workspace / "app.py").write_text(APP)
    return sorted([*planted.values(), "helpers", "pth", "venv-pth", "interpreter"])


@pytest.fixture
def planted(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "pyproject.toml").write_text("[project]\nname = 'app'\ndependencies = ['fastapi']\n")
    markers = tmp_path / "markers"
    return workspace, markers, plant(workspace, markers)


def test_the_planted_files_run_when_python_is_asked_to(planted) -> None:
    """The control: run the ordinary way, every planted file leaves its marker."""
    workspace, markers, names = planted
    plain = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    site = workspace / ".venv" / "lib" / PYVER / "site-packages"

    def run(*args: str, env: dict | None = None, python: str = sys.executable, ok: tuple = (0,)) -> None:
        done = subprocess.run([python, *args], cwd=workspace, env=env or plain, capture_output=True, text=True, timeout=60)
        assert done.returncode in ok, done.stderr

    run("-c", "pass", env={**plain, "PYTHONPATH": str(workspace)})  # sitecustomize.py on the path
    run("-c", "import site, sys; site.ENABLE_USER_SITE = True; import usercustomize", env={**plain, "PYTHONPATH": str(workspace)})
    run("-c", f"import site; site.addsitedir({str(workspace)!r}); site.addsitedir({str(site)!r})")  # both .pth files
    run("-c", f"import sys; sys.path.insert(0, {str(site)!r}); import sitecustomize")
    run("-c", "import helpers, jedi, parso")  # -c puts the current folder first on sys.path
    run("-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", str(workspace), ok=(0, 5))  # 5: no tests
    run("-c", "pass", python=str(workspace / ".venv" / "bin" / "python"))
    assert sorted(p.name for p in markers.iterdir()) == names


async def serve(workspace: Path, log: Path, *flags: str, options: dict, activated: bool = True) -> tuple[RecordingClient, list[str]]:
    """Start the server as an editor would, open the app, see jedi answer, let the index finish; return the log.

    ``activated``: the editor runs inside the workspace's virtualenv (``VIRTUAL_ENV``, ``PATH``).
    """
    venv = workspace / ".venv"
    env = {
        **{k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
        "PYTHONPATH": os.pathsep.join([str(AUDIT), os.environ.get("FASTAPI_PERF_SERVER_PATH", str(ROOT / "server"))]),
        "FASTAPI_PERF_AUDIT_LOG": str(log),
        "FASTAPI_PERF_AUDIT_WATCH": str(workspace),
    }
    if activated:
        env.update({"VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"})
    client = make_client()
    await client.start_io(sys.executable, "-m", "fastapi_perf", "lsp", *flags, env=env, cwd=str(workspace))
    try:
        await initialize(client, "visual_studio_code", workspace, options=options, fastapi=False)
        uri = open_text(client, APP, "app.py", write=False)
        await client.diagnostics_of(uri, 1)
        if options.get("inference"):
            found = await client.next_publication(
                lambda p: p.uri == uri and any(d.code == "FAP107" and d.range.start.line == JEDI_LINE - 1 for d in p.diagnostics),
                timeout=60,
            )
            assert found.version == 1, "jedi answered"
        for _ in range(300):
            if any(isinstance(p, types.WorkDoneProgressEnd) for reports in client.progress_reports.values() for p in reports):
                break
            await asyncio.sleep(0.1)
        else:
            pytest.fail("the workspace was never indexed")
        close(client, uri)
        errors = client.errors()
        await client.close_session()
    finally:
        client.kill_server()
        await client.stop()
    assert not errors, errors
    return client, log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def interpreter_setting(workspace: Path) -> dict:
    return {"debounce": 0, "inference": True, "interpreter": str(workspace / ".venv" / "bin" / "python")}


@pytest.mark.parametrize("how", ["flag", "initialization-option", "string-false", "null"])
async def test_untrusted_server_starts_nothing_and_runs_no_workspace_code(planted, tmp_path: Path, how: str) -> None:
    """``"trusted": "false"`` (a string) or ``null`` is not trust either: only a real ``true`` is."""
    workspace, markers, _ = planted
    if how == "flag":
        flags, options = ("--untrusted",), interpreter_setting(workspace)
    else:
        value = {"initialization-option": False, "string-false": "false", "null": None}[how]
        flags, options = (), {**interpreter_setting(workspace), "trusted": value}
    _, log = await serve(workspace, tmp_path / "audit.log", *flags, options=options)
    assert list(markers.iterdir()) == [], "a planted file ran"
    assert log == [], "the server started a process or ran workspace code:\n" + "\n".join(log)


async def test_trusted_server_runs_no_workspace_code(planted, tmp_path: Path) -> None:
    """Trusted, with no virtualenv or interpreter named: jedi may start the server's own Python, nothing else."""
    workspace, markers, _ = planted
    options = {"debounce": 0, "inference": True}
    _, log = await serve(workspace, tmp_path / "audit.log", options=options, activated=False)
    assert list(markers.iterdir()) == [], "a planted file ran"
    assert not [line for line in log if not line.startswith("process")], "workspace code ran:\n" + "\n".join(log)
    launched = [line for line in log if line.startswith("process")]
    assert all(str(workspace) not in line for line in launched), launched


async def test_trusted_server_starts_the_interpreter_it_is_given(planted, tmp_path: Path) -> None:
    """What trust buys (jedi introspects with the workspace's Python), and the proof that the witness sees it."""
    workspace, markers, _ = planted
    _, log = await serve(workspace, tmp_path / "audit.log", options=interpreter_setting(workspace))
    assert sorted(p.name for p in markers.iterdir()) == ["interpreter"], "only the interpreter itself ran"
    assert any(line.startswith("process") and str(workspace / ".venv") in line for line in log), log
    assert not [line for line in log if not line.startswith("process")], "workspace code ran in the server"

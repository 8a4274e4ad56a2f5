"""``python -m fastapi_perf`` started inside a workspace imports nothing from it.

``python -m`` puts the current folder first on ``sys.path``, and editors and
CI start fastapi-perf in the workspace. The workspace here holds a module
named like every standard-library module and every dependency fastapi-perf
could import (``argparse.py``, ``difflib.py``, ``dataclasses.py``,
``fnmatch.py``, ``jedi.py``, ...); each writes a marker when it runs. A
control shows they do run when Python is asked to import them. Then
``check`` (with jedi inference and with ``--fix``) and the language server
(trusted and ``--untrusted``) run there, and no marker may appear.

Exempt are the modules Python imports before it hands over to any ``-m``
module (``runpy`` and its imports, measured here): only ``python -P``
protects those, and that is Python's behaviour, not ours.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli.conftest import fastapi_perf

pytestmark = pytest.mark.timeout(180)

DEPENDENCIES = ("jedi", "parso", "pygls", "lsprotocol", "pathspec", "cattrs", "attrs", "attr", "typing_extensions", "tomli")
NAMED_IN_THE_ISSUE = ("argparse", "difflib", "dataclasses", "fnmatch")

APP = """import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root():
    time.sleep(1)
    return {}
"""


def imported_before_any_module_runs(tmp_path: Path) -> set[str]:
    """Top-level modules already loaded when the code of a ``-m`` module starts."""
    probe = tmp_path / "probe-package"
    (probe / "probe").mkdir(parents=True)
    (probe / "probe" / "__init__.py").write_text("")
    (probe / "probe" / "__main__.py").write_text(
        "import json, sys\nprint(json.dumps(sorted({name.partition('.')[0] for name in sys.modules})))\n"
    )
    clean = tmp_path / "clean"
    clean.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "probe"], cwd=clean, env={"PYTHONPATH": str(probe)}, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout)) - {"probe", "json"}


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    root = tmp_path / "workspace"
    root.mkdir()
    markers = tmp_path / "markers"
    markers.mkdir()
    exempt = imported_before_any_module_runs(tmp_path)
    names = sorted((set(sys.stdlib_module_names) | set(DEPENDENCIES)) - exempt - {"__main__"})
    assert set(NAMED_IN_THE_ISSUE) <= set(names)
    for name in names:
        (root / f"{name}.py").write_text(f"open({str(markers / name)!r}, 'w').close()\n")
    (root / "app.py").write_text(APP)
    (root / "pyproject.toml").write_text("[project]\nname = 'app'\ndependencies = ['fastapi']\n")
    return root, markers, names


def test_the_planted_modules_run_when_python_imports_them(workspace) -> None:
    root, markers, _ = workspace
    done = subprocess.run(
        [sys.executable, "-c", "import " + ", ".join(NAMED_IN_THE_ISSUE)], cwd=root, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in markers.iterdir()) == sorted(NAMED_IN_THE_ISSUE)


def test_check_imports_nothing_from_the_workspace(workspace) -> None:
    root, markers, _ = workspace
    run = fastapi_perf("check", "--no-cache", "--infer", cwd=root)
    assert run.returncode == 1, run.stderr
    assert "app.py:" in run.stdout and "FAP201" in run.stdout, run.stdout
    fixed = fastapi_perf("check", "--fix", cwd=root)
    assert fixed.returncode == 0 and "Fixed 1 finding." in fixed.stdout, fixed.stderr
    assert "await asyncio.sleep(1)" in (root / "app.py").read_text()
    assert [p.name for p in markers.iterdir()] == [], "a workspace module ran"


@pytest.mark.parametrize("flags", [(), ("--untrusted",)], ids=["trusted", "untrusted"])
def test_language_server_imports_nothing_from_the_workspace(workspace, flags) -> None:
    """The server starts, imports all it needs, and ends at shutdown and exit."""
    root, markers, _ = workspace
    from cli.conftest import ROOT

    def message(payload: dict) -> str:
        body = json.dumps(payload)
        return f"Content-Length: {len(body.encode())}\r\n\r\n{body}"

    session = "".join(
        message(m)
        for m in (
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}},
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
            {"jsonrpc": "2.0", "method": "exit"},
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "fastapi_perf", "lsp", *flags],
        cwd=root, input=session, capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "server")},
    )
    assert done.returncode == 0, done.stderr
    assert [p.name for p in markers.iterdir()] == [], "a workspace module ran"

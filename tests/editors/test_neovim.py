"""Neovim, configured by the snippet in docs/editors/neovim.md, gets fastapi-perf's
diagnostics, lists a code action, applies it, and the finding goes away.

The snippet is read out of the Markdown page and used as Neovim's init.lua, so
the documented configuration is what runs: a page that stops working fails here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import require

pytestmark = pytest.mark.editor

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PAGE = ROOT / "docs" / "editors" / "neovim.md"
SNIPPET = "neovim-start-client"
APP = """import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root():
    time.sleep(1)
    return {"ok": True}
"""
PYPROJECT = '[project]\nname = "shop"\nversion = "0"\ndependencies = ["fastapi"]\n'


def doc_snippet(page: Path, name: str) -> str:
    """The fenced block after ``<!-- snippet: NAME ... -->``, under a heading marked **tested**."""
    text = page.read_text(encoding="utf-8")
    marker = re.search(rf"^<!-- snippet: {re.escape(name)}\b.*-->\n```\w*\n(.*?)^```$", text, re.M | re.S)
    assert marker, f"{page.name}: no fenced block after <!-- snippet: {name} -->"
    headings = re.findall(r"^#+ .*$", text[: marker.start()], re.M)
    assert headings and "**tested**" in headings[-1], f"{page.name}: snippet {name} is not under a **tested** heading"
    return marker.group(1)


def server_on_path(tmp_path: Path) -> dict[str, str]:
    """An environment in which the documented command `fastapi-perf` runs this tree's server."""
    bindir = Path(sys.executable).parent
    if not (bindir / "fastapi-perf").exists():  # not installed as a script: a stand-in that is
        bindir = tmp_path / "bin"
        bindir.mkdir()
        shim = bindir / "fastapi-perf"
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m fastapi_perf "$@"\n')
        shim.chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(ROOT / "server"),
    }


def test_neovim_snippet_diagnostics_and_quick_fix(tmp_path: Path) -> None:
    nvim = require("nvim")
    init = tmp_path / "init.lua"
    init.write_text(doc_snippet(PAGE, SNIPPET))
    project = tmp_path / "shop"
    (project / "api").mkdir(parents=True)
    (project / "pyproject.toml").write_text(PYPROJECT)
    app = project / "api" / "app.py"
    app.write_text(APP)
    out = tmp_path / "result.txt"
    env = {**server_on_path(tmp_path), "FAP_OUT": str(out)}
    result = subprocess.run(
        # -u: the snippet is the whole user configuration; the python3 provider
        # probe (+1.3 s) is switched off as it has nothing to do with LSP.
        [nvim, "--headless", "--clean", "-u", str(init), "--cmd", "let g:loaded_python3_provider=0",
         "-c", f"luafile {HERE / 'neovim_check.lua'}", str(app)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    report = out.read_text() if out.exists() else ""
    assert result.returncode == 0, f"nvim exited {result.returncode}\n{report}\n{result.stderr}"
    lines = report.splitlines()
    # The snippet found the project root from the nearest pyproject.toml.
    assert f"CLIENT fastapi-perf {project}" in lines, report
    # init_options reached the server: severity = { FAP1 = "error" } makes FAP103 an error (1).
    assert any(line.startswith("DIAG 10:5 1 FAP103 ") for line in lines), report
    assert "ACTION quickfix Replace with `await asyncio.sleep(...)` (FAP103)" in lines, report
    assert "APPLIED     await asyncio.sleep(1)" in lines and "APPLIED import asyncio" in lines, report
    assert lines[-1] == "RECHECKED", report

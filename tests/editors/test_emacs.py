"""Emacs + eglot, configured by the snippet in docs/editors/emacs.md, gets
fastapi-perf's diagnostics through Flymake, lists the code actions, applies the
preferred one through `eglot-code-actions`, saves, and the finding goes away.

The snippet is read out of the Markdown page and loaded as the init file, so
the documented configuration is what runs.
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
PAGE = ROOT / "docs" / "editors" / "emacs.md"
SNIPPET = "emacs-eglot"
# Debian's elpa-eglot; Emacs 29 and later have eglot built in.
EGLOT = Path("/usr/share/emacs/site-lisp/elpa")
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


def test_emacs_eglot_snippet_diagnostics_and_code_action(tmp_path: Path) -> None:
    emacs = require("emacs")
    version = subprocess.run([emacs, "--batch", "--eval", "(princ emacs-major-version)"],
                             capture_output=True, text=True, timeout=60).stdout.strip()
    if version.isdigit() and int(version) < 29:
        assert list(EGLOT.glob("eglot-*/eglot.el")), f"Emacs {version} needs eglot: apt-get install elpa-eglot"
    init = tmp_path / "init.el"
    init.write_text(doc_snippet(PAGE, SNIPPET))
    project = tmp_path / "shop"
    (project / "api").mkdir(parents=True)
    (project / "pyproject.toml").write_text(PYPROJECT)
    app = project / "api" / "app.py"
    app.write_text(APP)
    out = tmp_path / "result.txt"
    env = {**server_on_path(tmp_path), "FAP_INIT": str(init), "FAP_OUT": str(out), "HOME": str(tmp_path)}
    result = subprocess.run(
        [emacs, "--batch", "-Q", "-l", str(HERE / "emacs" / "eglot_check.el"), str(app)],
        # No stdin: a prompt (y-or-n-p, completing-read) fails at once instead of waiting.
        env=env, cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )
    report = out.read_text() if out.exists() else ""
    events = Path(f"{out}.events")  # eglot's log of the LSP messages, written on failure
    log = events.read_text()[-6000:] if events.exists() else ""
    assert result.returncode == 0, f"emacs exited {result.returncode}\n{report}\n{result.stderr}\n{log}"
    lines = report.splitlines()
    assert "SERVER fastapi-perf lsp" in lines, report
    # Flymake got the finding at the right place; :initializationOptions reached the
    # server (severity FAP1 = "error" turns the warning into an error).
    assert any(re.fullmatch(r"DIAG 10:5 eglot-error fastapi-perf \[FAP103\]: .*", line) for line in lines), report
    assert "ACTION quickfix Replace with `await asyncio.sleep(...)` (FAP103)" in lines, report
    assert "ACTION quickfix Disable FAP103 for this line" in lines, report
    assert any(line.startswith("ACTION source.fixAll.fastapi-perf ") for line in lines), report
    # eglot's own prompt proposes the server's preferred action; taking it edits the buffer.
    assert "CHOSEN Replace with `await asyncio.sleep(...)` (FAP103)" in lines, report
    assert "APPLIED     await asyncio.sleep(1)" in lines and "APPLIED import asyncio" in lines, report
    assert lines[-1] == "RECHECKED", report
    saved = app.read_text()
    assert "await asyncio.sleep(1)" in saved and "time.sleep" not in saved

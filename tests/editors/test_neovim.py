"""Neovim receives diagnostics from fastapi-perf, lists a code action and applies it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import require

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
APP = """import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root():
    time.sleep(1)
    return {"ok": True}
"""


def test_neovim_diagnostics_and_quick_fix(tmp_path: Path) -> None:
    nvim = require("nvim")
    app = tmp_path / "app.py"
    app.write_text(APP)
    out = tmp_path / "result.txt"
    env = {
        **os.environ,
        "FAP_CMD": f"{sys.executable} -m fastapi_perf lsp",
        "FAP_OUT": str(out),
        "PYTHONPATH": str(ROOT / "server"),
    }
    result = subprocess.run(
        [nvim, "--headless", "--clean", "-u", "NONE", "--cmd", "let g:loaded_python3_provider=0",
         "-c", f"luafile {HERE / 'neovim_check.lua'}", str(app)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    report = out.read_text() if out.exists() else ""
    assert result.returncode == 0, f"nvim exited {result.returncode}\n{report}\n{result.stderr}"
    lines = report.splitlines()
    assert any(line.startswith("DIAG 10:5 FAP103 ") for line in lines), report
    assert "ACTION quickfix Replace with `await asyncio.sleep(...)` (FAP103)" in lines
    assert "APPLIED     await asyncio.sleep(1)" in lines and "APPLIED import asyncio" in lines
    assert lines[-1] == "RECHECKED"

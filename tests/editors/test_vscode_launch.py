"""The extension's server search order and trust rules (vscode-extension/test/launch.test.ts).

These run in plain Node with node:test, on the bundle scripts/setup.d/vscode.sh
builds: no VS Code needed, so they cover the cases a real editor cannot
easily stage (no Python at all, an old one, a broken setting).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .conftest import require

EXTENSION = Path(__file__).resolve().parents[2] / "vscode-extension"
BUILT = EXTENSION / "out" / "test" / "launch.test.js"


def test_vscode_launch_order_and_trust() -> None:
    node = require("node")
    if not BUILT.exists():
        pytest.fail(f"{BUILT} is missing; run bash scripts/setup.d/vscode.sh")
    sources = [EXTENSION / "src" / "launch.ts", EXTENSION / "test" / "launch.test.ts"]
    if BUILT.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        pytest.fail(f"{BUILT} is older than its sources; run bash scripts/setup.d/vscode.sh")
    result = subprocess.run([node, "--test", str(BUILT)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    passed = re.search(r"^# pass (\d+)$", result.stdout, re.MULTILINE)
    assert "# fail 0" in result.stdout and passed and int(passed[1]) >= 10, result.stdout

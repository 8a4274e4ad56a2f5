"""Installing this project the way users do, without the network (tests/test_install.py, tests/test_precommit.py).

pip, pipx, uv and pre-commit's own virtualenvs are pointed at the wheelhouse
that scripts/test.sh fills (``<venv>/wheelhouse``: the dependencies,
setuptools, wheel, pip and build) instead of PyPI, and write only under the
test's temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WHEELHOUSE = Path(sys.prefix) / "wheelhouse"
REPOSITORY = "https://github.com/fastapi-perf/fastapi-perf"
TIMEOUT_S = 300


def offline_env(tmp_path: Path, virtualenv_data: Path) -> dict[str, str]:
    """The environment to install in: only the wheelhouse, everything written under tmp_path."""
    if not (WHEELHOUSE / ".stamp").exists():
        pytest.fail(f"{WHEELHOUSE} is missing; ./scripts/test.sh fills it")
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "PIPX_", "VIRTUAL_ENV", "PYTHON"))}
    return {
        **kept,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{kept['PATH']}",  # pipx, uv, pre-commit
        "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "UV_OFFLINE": "1", "UV_FIND_LINKS": str(WHEELHOUSE), "UV_NO_CONFIG": "1", "UV_PYTHON": sys.executable,
        "UV_PYTHON_DOWNLOADS": "never", "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
        "UV_TOOL_DIR": str(tmp_path / "uv-tools"), "UV_TOOL_BIN_DIR": str(tmp_path / "uv-bin"),
        "PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(tmp_path / "pipx-bin"),
        "PIPX_MAN_DIR": str(tmp_path / "pipx-man"),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
        # virtualenv's cache of seed wheels (pip), shared by one session's environments.
        "VIRTUALENV_OVERRIDE_APP_DATA": str(virtualenv_data),
        "HOME": str(tmp_path / "home"),
    }


def run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A documented command line, through bash."""
    return subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT_S, check=False)


def is_commit(rev: str) -> bool:
    return subprocess.run(["git", "cat-file", "-e", f"{rev}^{{commit}}"], cwd=ROOT, check=False).returncode == 0

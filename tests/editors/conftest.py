"""Real editors, driven headless. A missing editor is a failure, not a skip: CI installs them."""

from __future__ import annotations

import shutil

import pytest


def require(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.fail(f"{program} is not installed; scripts/test.sh installs it (apt-get install {program})")
    return path

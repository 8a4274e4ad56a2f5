"""The folder SARIF and GitHub annotation paths are relative to.

GitHub places a code scanning alert or a workflow annotation by its path
from the repository root. In a monorepo the project root (the nearest
``pyproject.toml``, say ``backend/``) is not that root, and a path such as
``app/api/users.py`` would be dropped or put on the wrong file (issue 13).
"""

from __future__ import annotations

import os
from pathlib import Path


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.git`` (a folder, or a worktree's file)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def report_root(project_root: Path | None, cwd: Path) -> Path:
    """The repository root; without one, the common folder of the project root and ``cwd``."""
    base = (project_root or cwd).resolve()
    found = repository_root(base)
    if found is not None:
        return found
    return Path(os.path.commonpath([base, cwd.resolve()]))

"""Where fastapi-perf keeps what belongs to the user rather than to a project.

The result cache's signing key and jedi's parse cache live in the user's
cache directory (``$XDG_CACHE_HOME/fastapi-perf``, ``~/.cache/fastapi-perf``,
``%LOCALAPPDATA%\\fastapi-perf``), never in a checkout, which anyone can fill.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import __version__


def user_cache_home() -> Path:
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"


def own_cache() -> Path:
    return user_cache_home() / "fastapi-perf"


def jedi_cache() -> Path:
    """jedi's parse cache for this version of fastapi-perf (jedi and parso add their own version folders)."""
    return own_cache() / "jedi" / __version__

"""Stack frames as the detector reports them, and which of them are the project's own code."""

from __future__ import annotations

import fnmatch
import os
import site
import sys
from collections.abc import Iterable, Sequence
from enum import Enum
from pathlib import Path
from typing import NamedTuple


class Frame(NamedTuple):
    path: str
    line: int
    function: str


class Owner(Enum):
    APP = "app"
    """The project's own code: what a finding can point at."""
    TEST = "test"
    """Test modules and conftest files: blocking there is the test's business."""
    LIBRARY = "library"


def parse_trace(trace: str) -> list[Frame]:
    """``path:line:function <- ...`` (innermost first), the detector's text form of a stack."""
    frames = []
    for part in trace.split(" <- "):
        path, _, rest = part.rpartition(":")
        path, _, line = path.rpartition(":")
        if path and line.isdigit():
            frames.append(Frame(path, int(line), rest))
    return frames


class ProjectFiles:
    """Sorts files into the project's code, its tests and everything else.

    The project is what lies under the pytest rootdir, less the interpreter's
    and installed packages' folders (a virtualenv inside the project is not
    the project) and fastapi-perf itself.
    """

    def __init__(self, rootdir: Path, test_patterns: Sequence[str] = ("test_*.py", "*_test.py")) -> None:
        self.root = os.path.join(str(rootdir.resolve()), "")
        self.test_patterns = (*test_patterns, "conftest.py")
        own = Path(__file__).resolve().parent.parent
        self.outside = tuple(
            os.path.join(os.path.realpath(p), "")
            for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, *_site_folders(), str(own)}
        )
        self._owners: dict[str, tuple[Owner, str]] = {}

    def owner(self, path: str) -> Owner:
        return self._classified(path)[0]

    def relative(self, path: str) -> str:
        """The path relative to the rootdir (posix), for a project file; else the absolute path."""
        return self._classified(path)[1]

    def _classified(self, path: str) -> tuple[Owner, str]:
        known = self._owners.get(path)
        if known is None:
            known = self._owners[path] = self._classify(path)
        return known

    def _classify(self, path: str) -> tuple[Owner, str]:
        if path.startswith("<"):
            return Owner.LIBRARY, path
        absolute = os.path.realpath(path)
        if not absolute.startswith(self.root) or absolute.startswith(self.outside):
            return Owner.LIBRARY, absolute
        if f"{os.sep}site-packages{os.sep}" in absolute or f"{os.sep}dist-packages{os.sep}" in absolute:
            return Owner.LIBRARY, absolute
        relative = Path(absolute[len(self.root):]).as_posix()
        name = os.path.basename(absolute)
        if any(fnmatch.fnmatch(name, pattern) for pattern in self.test_patterns):
            return Owner.TEST, relative
        return Owner.APP, relative


def _site_folders() -> Iterable[str]:
    try:
        yield from site.getsitepackages()
    except AttributeError:  # some embedded interpreters have no site-packages
        pass
    user = site.getusersitepackages()
    if isinstance(user, str):
        yield user


class ModuleNames:
    """The dotted module name of a library file, from the longest ``sys.path`` entry that holds it."""

    def __init__(self, search_path: Sequence[str] | None = None) -> None:
        entries = {os.path.join(os.path.realpath(p), "") for p in (search_path or sys.path) if p}
        self.entries = sorted(entries, key=len, reverse=True)
        self._names: dict[str, str] = {}

    def of(self, path: str) -> str:
        name = self._names.get(path)
        if name is None:
            name = self._names[path] = self._module(path)
        return name

    def _module(self, path: str) -> str:
        if path.startswith("<frozen ") and path.endswith(">"):
            return path[len("<frozen "):-1]
        absolute = os.path.realpath(path)
        for entry in self.entries:
            if absolute.startswith(entry):
                relative = absolute[len(entry):]
                break
        else:
            relative = os.path.basename(absolute)
        stem = relative.rsplit(".", 1)[0] if relative.endswith((".py", ".pyc")) else relative
        parts = [p for p in stem.split(os.sep) if p]
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

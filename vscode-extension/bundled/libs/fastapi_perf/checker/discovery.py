"""Which files a run checks.

Folders are walked for ``*.py`` files, skipping what ``.gitignore`` files
and the ``exclude`` setting name, virtual environments (any folder with a
``pyvenv.cfg``), ``node_modules``, build output and tool caches. A file
named explicitly on the command line is always checked.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec


def _spec(lines: list[str]) -> "pathspec.GitIgnoreSpec":
    import pathspec  # imported on first use: most trees need it only for a .gitignore

    return pathspec.GitIgnoreSpec.from_lines(lines)

SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", ".tox", ".nox", "node_modules",
        "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".fastapi_perf_cache",
        "build", "dist", "site-packages", "__pypackages__", ".eggs", ".direnv", ".idea", ".vscode",
    }
)


class FileFilter:
    """The ``exclude`` setting plus ``.gitignore`` files, relative to their folders."""

    def __init__(self, root: Path, exclude: Iterable[str]) -> None:
        self.root = root
        patterns = list(exclude)
        self.exclude = _spec(patterns) if patterns else None
        self._gitignores: dict[Path, "pathspec.GitIgnoreSpec | None"] = {}
        self._chains: dict[Path, tuple] = {}

    def excluded(self, path: Path, is_dir: bool) -> bool:
        if self.exclude is not None:
            relative = _relative(path, self.root)
            if relative is not None and self.exclude.match_file(relative + ("/" if is_dir else "")):
                return True
        return self._ignored_by_git(path, is_dir)

    def _ignored_by_git(self, path: Path, is_dir: bool) -> bool:
        chain = self._specs_above(path.parent)
        if not chain:
            return False
        text = path.as_posix() + ("/" if is_dir else "")
        return any(spec.match_file(text[len(prefix) :]) for prefix, spec in chain)

    def _specs_above(self, folder: Path) -> tuple[tuple[str, "pathspec.GitIgnoreSpec"], ...]:
        """The ``.gitignore`` specs that apply in ``folder``, nearest first, up to the repository root.

        Remembered per folder: asking the file system for every file's
        ancestors made discovery most of a cached run over 10,000 files.
        """
        chain = self._chains.get(folder)
        if chain is not None:
            return chain
        spec = self._gitignore(folder)
        prefix = folder.as_posix().rstrip("/") + "/"
        own = ((prefix, spec),) if spec is not None else ()
        if folder == folder.parent or (folder / ".git").exists():
            chain = own
        else:
            chain = own + self._specs_above(folder.parent)
        self._chains[folder] = chain
        return chain

    def _gitignore(self, folder: Path) -> "pathspec.GitIgnoreSpec | None":
        if folder not in self._gitignores:
            spec = None
            ignore_file = folder / ".gitignore"
            if ignore_file.is_file():
                try:
                    spec = _spec(ignore_file.read_text(encoding="utf-8", errors="replace").splitlines())
                except (OSError, ValueError):
                    spec = None
            self._gitignores[folder] = spec
        return self._gitignores[folder]


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


def discover(paths: Iterable[Path], file_filter: FileFilter) -> Iterator[Path]:
    """Python files under ``paths``, each once, in a stable order."""
    seen: set[Path] = set()
    for given in paths:
        path = given.absolute()
        if path.is_file():
            if path not in seen:
                seen.add(path)
                yield path
            continue
        for found in sorted(_walk(path, file_filter)):
            if found not in seen:
                seen.add(found)
                yield found


def _walk(top: Path, file_filter: FileFilter) -> Iterator[Path]:
    for folder, dirnames, filenames in os.walk(top):
        base = Path(folder)
        kept = []
        for name in sorted(dirnames):
            child = base / name
            if name in SKIPPED_DIRS or name.endswith(".egg-info") or (child / "pyvenv.cfg").exists():
                continue
            if file_filter.excluded(child, is_dir=True):
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in filenames:
            if name.endswith(".py"):
                child = base / name
                if not file_filter.excluded(child, is_dir=False) and _regular(child):
                    yield child


def _regular(path: Path) -> bool:
    """A regular file (links followed): a FIFO or a device named ``*.py`` would block the run, or never end."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # unreadable: the runner reports it on its own line

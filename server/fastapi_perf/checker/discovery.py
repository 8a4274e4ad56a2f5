"""Which files a run checks.

Folders are walked for ``*.py`` files, skipping what ``.gitignore`` files
and the ``exclude`` setting name, virtual environments (any folder with a
``pyvenv.cfg``), ``node_modules``, build output and tool caches. A file
named explicitly on the command line is always checked.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

    from ..config import Settings


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
_VCS_DIRS = frozenset({".git", ".hg", ".svn"})
"""Skipped like the others, but never worth naming when a folder turns out empty."""


Exclusion = tuple["Path | None", tuple[str, ...]]
"""``exclude`` patterns and the folder they are relative to."""


def exclusion(settings: Settings) -> Exclusion:
    """What a settings' ``exclude`` and ``extend-exclude`` name, and the folder they are relative to."""
    return settings.settings_folder, settings.exclude + settings.extend_exclude


class FileFilter:
    """The ``exclude`` setting plus ``.gitignore`` files, relative to their folders.

    With ``nearest``, what each folder's entries are excluded by comes from
    it (the settings nearest that folder: a sub-project's own ``exclude``);
    else ``exclude`` relative to ``root`` serves everywhere.
    """

    def __init__(self, root: Path, exclude: Iterable[str], nearest: Callable[[Path], Exclusion] | None = None) -> None:
        self.root = root
        patterns = list(exclude)
        self.exclude = _spec(patterns) if patterns else None
        self._nearest = nearest
        self._specs: dict[Exclusion, "pathspec.GitIgnoreSpec | None"] = {}
        self._by_folder: dict[Path, tuple["Path | None", "pathspec.GitIgnoreSpec | None"]] = {}
        self._gitignores: dict[Path, "pathspec.GitIgnoreSpec | None"] = {}
        self._chains: dict[Path, tuple] = {}

    def excluded(self, path: Path, is_dir: bool) -> bool:
        base, spec = self._exclusion(path.parent)
        if spec is not None and base is not None:
            relative = _relative(path, base)
            if relative is not None and spec.match_file(relative + ("/" if is_dir else "")):
                return True
        return self._ignored_by_git(path, is_dir)

    def _exclusion(self, folder: Path) -> tuple["Path | None", "pathspec.GitIgnoreSpec | None"]:
        if self._nearest is None:
            return self.root, self.exclude
        known = self._by_folder.get(folder)
        if known is None:
            key = self._nearest(folder)
            if key not in self._specs:
                self._specs[key] = _spec(list(key[1])) if key[1] else None
            known = self._by_folder[folder] = (key[0], self._specs[key])
        return known

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
        Climbed in a loop, not by recursion: a tree can be deeper than
        Python's recursion limit.
        """
        chain = self._chains.get(folder)
        if chain is not None:
            return chain
        climbed: list[Path] = []
        above: tuple = ()
        current = folder
        while True:
            known = self._chains.get(current)
            if known is not None:
                above = known
                break
            climbed.append(current)
            if current == current.parent or (current / ".git").exists():
                break
            current = current.parent
        for current in reversed(climbed):  # from the top down, each folder's chain is its own spec + its parent's
            spec = self._gitignore(current)
            own = ((current.as_posix().rstrip("/") + "/", spec),) if spec is not None else ()
            above = self._chains[current] = own + above
        return above

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


@dataclass
class Skipped:
    """A path named on the command line that gives nothing to check, and why."""

    path: Path
    reason: str


@dataclass
class _Seen:
    """What a walk passed over, to explain a folder that yields no file."""

    excluded: int = 0
    """Folders and ``*.py`` files excluded by ``exclude`` or a ``.gitignore``."""
    skipped_dirs: list[str] = field(default_factory=list)
    """Virtual environments, ``node_modules``, build output and tool caches."""
    special: int = 0
    """FIFOs, sockets and devices named ``*.py``."""

    def explain(self) -> str:
        parts = []
        if self.excluded:
            parts.append(f"{self.excluded} excluded by `exclude` or `.gitignore`")
        if self.skipped_dirs:
            names = ", ".join(f"`{name}`" for name in self.skipped_dirs[:3]) + (", ..." if len(self.skipped_dirs) > 3 else "")
            parts.append(f"{_count(len(self.skipped_dirs), 'folder')} never checked ({names}: virtual environments, "
                         "dependencies, build output, tool caches)")
        if self.special:
            parts.append(f"{_count(self.special, 'FIFO or device')} named `*.py`")
        return "no Python files in it" + (f" (skipped: {'; '.join(parts)})" if parts else "")


def _count(n: int, noun: str) -> str:
    if n == 1:
        return f"1 {noun}"
    return f"{n} {'FIFOs or devices' if noun == 'FIFO or device' else noun + 's'}"


def discover(paths: Iterable[Path], file_filter: FileFilter, skipped: list[Skipped] | None = None) -> Iterator[Path]:
    """Python files under ``paths``, each once, in a stable order.

    A named path that yields nothing (a FIFO or a device, a folder without
    a file to check) is added to ``skipped`` with the reason.
    """
    seen: set[Path] = set()
    for given in paths:
        path = given.absolute()
        kind = _kind(path)
        if kind == "file":
            if path not in seen:
                seen.add(path)
                yield path
            continue
        if kind != "folder":
            if skipped is not None:
                skipped.append(Skipped(given, f"skipped: {kind}, not a regular file"))
            continue
        passed = _Seen()
        found_any = False
        for found in sorted(_walk(path, file_filter, passed)):
            found_any = True
            if found not in seen:
                seen.add(found)
                yield found
        if not found_any and skipped is not None:
            skipped.append(Skipped(given, f"nothing to check: {passed.explain()}"))


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(path: Path) -> str:
    """``file``, ``folder``, or what else the path is (links followed)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "file"  # unreadable or gone: the runner reports it on its own line
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    return next((name for test, name in _KINDS if test(mode)), "not a file or folder")


def _walk(top: Path, file_filter: FileFilter, passed: _Seen) -> Iterator[Path]:
    """``*.py`` files under ``top``; links to folders are not followed.

    A loop over a stack rather than ``os.walk``, which recurses once per
    level on Python 3.11 and older: a tree 1,500 folders deep is legal.
    """
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                listed = sorted(entries, key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable or gone since it was listed, as os.walk skips it
        subfolders = []
        for entry in listed:
            name = entry.name
            child = folder / name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if name in SKIPPED_DIRS or name.endswith(".egg-info") or (child / "pyvenv.cfg").exists():
                    if name not in _VCS_DIRS:
                        passed.skipped_dirs.append(name)
                elif file_filter.excluded(child, is_dir=True):
                    passed.excluded += 1
                elif not entry.is_symlink():
                    subfolders.append(child)
            elif name.endswith(".py"):
                if file_filter.excluded(child, is_dir=False):
                    passed.excluded += 1
                elif _regular(child):
                    yield child
                else:
                    passed.special += 1
        stack.extend(reversed(subfolders))


def _regular(path: Path) -> bool:
    """A regular file (links followed): a FIFO or a device named ``*.py`` would block the run, or never end."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # unreadable: the runner reports it on its own line

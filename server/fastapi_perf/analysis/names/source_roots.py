"""The source folders a project's build configuration declares.

A namespace package (no ``__init__.py``) under ``lib/`` is imported as
``billing.x`` only because the build says ``lib/`` is where packages live;
nothing in the tree says so. Without reading the declaration the file
would be named ``lib.billing.x`` and none of the project's imports of it
would resolve (issue 13). Declarations read, from ``pyproject.toml``:
setuptools ``package-dir`` and ``packages.find.where``, Poetry
``packages`` (``include``/``from``), Hatch's wheel ``packages`` and
``sources``; from ``setup.cfg``: ``package_dir`` and
``packages.find``'s ``where``. ``setup.py`` is code and is never run.
"""

from __future__ import annotations

import configparser
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SourceRoot:
    """Files under ``folder`` are named ``prefix`` followed by their path below it."""

    folder: Path
    prefix: tuple[str, ...] = ()


def declared_source_roots(root: Path) -> tuple[SourceRoot, ...]:
    """The declared source roots of the project at ``root``, most specific folder first."""
    root = root.absolute()
    stamps = tuple(_stamp(root / name) for name in ("pyproject.toml", "setup.cfg"))
    return _read(root, stamps)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


@lru_cache(maxsize=256)
def _read(root: Path, stamps: tuple[tuple[int, int] | None, ...]) -> tuple[SourceRoot, ...]:
    found: list[SourceRoot] = []
    if stamps[0] is not None:
        found += _from_pyproject(root, _toml(root / "pyproject.toml"))
    if stamps[1] is not None:
        found += _from_setup_cfg(root, root / "setup.cfg")
    # The root itself as a plain source root says nothing the fallback naming does not.
    kept = (entry for entry in found if _inside(entry.folder, root) and (entry.prefix or entry.folder != root))
    unique = {(entry.folder, entry.prefix): entry for entry in kept}
    return tuple(sorted(unique.values(), key=lambda entry: len(entry.folder.parts), reverse=True))


def _toml(path: Path) -> Mapping[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}  # the settings loader reports a broken pyproject; naming falls back to the tree


def _table(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, Mapping) else None
    return data


def _from_pyproject(root: Path, data: Mapping[str, Any]) -> Iterable[SourceRoot]:
    yield from _package_dir(root, _table(data, "tool", "setuptools", "package-dir"))
    where = _table(data, "tool", "setuptools", "packages", "find", "where")
    for folder in where if isinstance(where, list) else ():
        if isinstance(folder, str):
            yield SourceRoot(root / folder)
    for package in _list(_table(data, "tool", "poetry", "packages")):
        if isinstance(package, Mapping) and isinstance(package.get("include"), str):
            base = root / package["from"] if isinstance(package.get("from"), str) else root
            yield SourceRoot(base)
    wheel = _table(data, "tool", "hatch", "build", "targets", "wheel")
    for package in _list(_table(wheel, "packages")):
        if isinstance(package, str):
            yield SourceRoot((root / package).parent)
    sources = _table(wheel, "sources")
    if isinstance(sources, list):
        for folder in sources:
            if isinstance(folder, str):
                yield SourceRoot(root / folder)
    elif isinstance(sources, Mapping):
        for folder, renamed in sources.items():
            if isinstance(renamed, str):
                yield SourceRoot(root / folder, tuple(part for part in renamed.split("/") if part))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _package_dir(root: Path, mapping: Any) -> Iterable[SourceRoot]:
    if not isinstance(mapping, Mapping):
        return
    for package, folder in mapping.items():
        if isinstance(package, str) and isinstance(folder, str):
            yield SourceRoot(root / folder, tuple(part for part in package.split(".") if part))


def _from_setup_cfg(root: Path, path: Path) -> Iterable[SourceRoot]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, configparser.Error):
        return
    # ``package_dir = =src`` or, one per line, ``pkg = lib/pkg``.
    mapping: dict[str, str] = {}
    for line in parser.get("options", "package_dir", fallback="").splitlines():
        package, separator, folder = line.partition("=")
        if separator and folder.strip():
            mapping[package.strip()] = folder.strip()
    yield from _package_dir(root, mapping)
    where = parser.get("options.packages.find", "where", fallback="").split()
    for folder in where:
        yield SourceRoot(root / folder)


def _inside(folder: Path, root: Path) -> bool:
    try:
        folder.resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return False
    return True


def name_from_source_roots(path: Path, roots: tuple[SourceRoot, ...]) -> list[str] | None:
    """The module parts of ``path`` under the most specific declared root holding it, or None."""
    for entry in roots:
        try:
            below = path.relative_to(entry.folder)
        except ValueError:
            continue
        return [*entry.prefix, *below.with_suffix("").parts]
    return None

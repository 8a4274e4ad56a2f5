"""The detection gate: does the project depend on FastAPI, and which manifest says so?

Files that never import ``fastapi`` (services, repositories, crud) get the
FastAPI rules only when the project declares FastAPI. Real projects declare
it in many places, so every manifest a project may use is read, as text and
never executed: ``pyproject.toml`` (PEP 621 dependencies and extras, PEP 735
``[dependency-groups]``, Poetry, PDM, uv and Hatch), ``setup.py`` (parsed,
never run; only ``install_requires`` and ``extras_require``), ``setup.cfg``,
``requirements*.txt`` and ``requirements/*.txt`` with their ``-r``
includes, ``Pipfile``, and an unpacked distribution's
``*.dist-info/METADATA`` or ``*.egg-info/requires.txt``.

The search starts at the project root and walks up to the repository root
(the folder holding ``.git``, else the project root stands for it), never
reading the home folder or the file-system root; at the repository root
the folders one level down are read too, so a monorepo's ``backend/pyproject.toml`` counts (not
``docs/``, ``examples/`` or ``tests/``: an example app that uses FastAPI
does not make a library a FastAPI project). The nearest
manifest that declares FastAPI is the one the ``Verdict`` names.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .requirements import any_fastapi, metadata_declares, requirements_file_declares, requires_txt_declares
from .setup_files import setup_cfg_declares, setup_py_declares

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


@dataclass(frozen=True)
class Verdict:
    """Whether the project declares FastAPI, and the manifest that does (None when none does)."""

    declared: bool
    manifest: Path | None = None


NOT_DECLARED = Verdict(False)
MANIFEST_NAMES = ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile")
"""The manifests named alike in every project (requirements files are named by pattern)."""


def fastapi_verdict(root: Path) -> Verdict:
    """The verdict for the project rooted at ``root``, cached by its resolved folder until ``clear()``."""
    return _verdict(root.resolve())


def clear() -> None:
    """Manifests changed on disk: read them again when next asked."""
    _verdict.cache_clear()


def is_manifest(path: str) -> bool:
    """A path (or URI) of a file the gate reads, so that a change to it changes the verdict."""
    name = path.rpartition("/")[2]
    parent = path.rpartition("/")[0].rpartition("/")[2]
    return name in MANIFEST_NAMES or (name.endswith(".txt") and (name.startswith("requirements") or parent == "requirements"))


def pyproject_declares(data: Mapping[str, Any]) -> bool:
    """A parsed ``pyproject.toml`` lists FastAPI in any dependency table a packaging tool reads."""
    return any(any_fastapi(group) for group in _pyproject_groups(data))


@cache
def _verdict(root: Path) -> Verdict:
    for folder in _search_folders(root):
        for manifest in _manifests(folder):
            if _READERS[_kind(manifest)](manifest):
                return Verdict(True, manifest)
    return NOT_DECLARED


def _search_folders(root: Path) -> Iterator[Path]:
    """``root`` and its parents up to the repository root, then the folders one level below that.

    Without a ``.git`` folder (a source archive, an unpacked sdist) the
    project root stands for the repository root.
    """
    stops = {Path.home().resolve(), Path(root.anchor)}
    if root in stops:
        return  # not a project: its sub-folders are everything the user has
    top = root
    for folder in (root, *root.parents):
        if folder in stops:
            break
        yield folder
        if (folder / ".git").exists():
            top = folder
            break
    yield from (child for child in _children(top) if child != root and child not in root.parents)


_NOT_SUB_PROJECTS = frozenset({"docs", "doc", "examples", "example", "tests", "test", "node_modules"})
"""Folders below a repository root whose manifests serve the docs, examples or tests, not the project's code."""


def _children(folder: Path) -> list[Path]:
    try:
        children = [c for c in folder.iterdir() if c.is_dir() and not c.name.startswith(".")]
    except OSError:
        return []
    return sorted(c for c in children if c.name.lower() not in _NOT_SUB_PROJECTS)


def _manifests(folder: Path) -> Iterator[Path]:
    for name in MANIFEST_NAMES:
        if (folder / name).is_file():
            yield folder / name
    for pattern in ("requirements*.txt", "requirements/*.txt", "*.dist-info/METADATA", "*.egg-info/requires.txt"):
        yield from sorted(p for p in folder.glob(pattern) if p.is_file())


def _kind(manifest: Path) -> str:
    if manifest.name in MANIFEST_NAMES:
        return manifest.name
    return manifest.name if manifest.name in ("METADATA", "requires.txt") else "requirements"


# -- the readers ---------------------------------------------------------------------------


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _pyproject_groups(data: Mapping[str, Any]) -> Iterator[object]:
    """Each list of requirement strings, or table keyed by distribution name, of a ``pyproject.toml``."""
    project, tool = _table(data, "project"), _table(data, "tool")
    yield _get(project, "dependencies", default=[])
    yield from _values(_table(project, "optional-dependencies"))
    yield from _values(_table(data, "dependency-groups"))  # PEP 735; {include-group = …} entries are skipped
    poetry = _table(tool, "poetry")
    yield _table(poetry, "dependencies")  # keys are names: a table iterates over them
    yield _table(poetry, "dev-dependencies")
    yield from (_table(group, "dependencies") for group in _values(_table(poetry, "group")))
    yield from _values(_table(tool, "pdm", "dev-dependencies"))
    yield _get(tool, "uv", "dev-dependencies", default=[])
    for env in _values(_table(tool, "hatch", "envs")):
        yield _get(env, "dependencies", default=[])
        yield _get(env, "extra-dependencies", default=[])


def _table(value: Any, *keys: str) -> Mapping[str, Any]:
    return _get(value, *keys, default={})


def _get(value: Any, *keys: str, default: Any) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, type(default)) else default


def _values(table: Mapping[str, Any]) -> list[Any]:
    return list(table.values()) if isinstance(table, Mapping) else []


def _pipfile_declares(path: Path) -> bool:
    data = _toml(path)
    return any(any_fastapi(_get(data, section, default={})) for section in ("packages", "dev-packages"))


_READERS: dict[str, Callable[[Path], bool]] = {
    "pyproject.toml": lambda path: pyproject_declares(_toml(path)),
    "setup.py": setup_py_declares,
    "setup.cfg": setup_cfg_declares,
    "Pipfile": _pipfile_declares,
    "requirements": requirements_file_declares,
    "METADATA": metadata_declares,
    "requires.txt": requires_txt_declares,
}

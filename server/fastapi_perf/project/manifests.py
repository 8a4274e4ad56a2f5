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

import ast
import configparser
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .requirements import any_fastapi, is_fastapi, metadata_declares, requirements_file_declares, requires_txt_declares

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
    table = lambda value, *keys: _get(value, *keys, default={})  # noqa: E731
    project, tool = table(data, "project"), table(data, "tool")
    yield _get(project, "dependencies", default=[])
    yield from _values(table(project, "optional-dependencies"))
    yield from _values(table(data, "dependency-groups"))  # PEP 735; {include-group = …} entries are skipped
    poetry = table(tool, "poetry")
    yield table(poetry, "dependencies")  # keys are names: a table iterates over them
    yield table(poetry, "dev-dependencies")
    yield from (table(group, "dependencies") for group in _values(table(poetry, "group")))
    yield from _values(table(tool, "pdm", "dev-dependencies"))
    yield _get(tool, "uv", "dev-dependencies", default=[])
    for env in _values(table(tool, "hatch", "envs")):
        yield _get(env, "dependencies", default=[])
        yield _get(env, "extra-dependencies", default=[])


def _get(value: Any, *keys: str, default: Any) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, type(default)) else default


def _values(table: Mapping[str, Any]) -> list[Any]:
    return list(table.values()) if isinstance(table, Mapping) else []


def _pipfile_declares(path: Path) -> bool:
    data = _toml(path)
    return any(any_fastapi(_get(data, section, default={})) for section in ("packages", "dev-packages"))


def _setup_cfg_declares(path: Path) -> bool:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, configparser.Error):
        return False
    values = [parser.get("options", "install_requires", fallback="")]
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    return any(is_fastapi(re.sub(r"\s#.*$", "", line)) for value in values for line in value.splitlines())


_SETUP_KEYWORDS = ("install_requires", "extras_require")
_SETUP_FALLBACK = re.compile(r"(?:install_requires|extras_require)\s*=\s*[\[{(](.*?)[\]})]", re.S)
_QUOTED = re.compile(r"""(['"])(.*?)\1""")


def _setup_py_declares(path: Path) -> bool:
    """``install_requires`` or ``extras_require`` of a ``setup.py`` names FastAPI (parsed with ``ast``, never run).

    A list held in a module-level name (``install_requires=REQUIRES``) is
    followed; a mention in a comment, a docstring or ``keywords`` is not a
    requirement. A ``setup.py`` Python 3 cannot parse is searched by a regex.
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
        tree = ast.parse(text)
    except OSError:
        return False
    except (SyntaxError, ValueError):
        return any(is_fastapi(q[1]) for group in _SETUP_FALLBACK.findall(text) for q in _QUOTED.findall(group))
    names = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            values = [k.value for k in node.keywords if k.arg in _SETUP_KEYWORDS]
        elif isinstance(node, ast.Dict):
            values = [v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and k.value in _SETUP_KEYWORDS]
        else:
            continue
        if any(is_fastapi(s) for value in values for s in _strings(value, names, set())):
            return True
    return False


def _strings(node: ast.AST, names: dict[str, ast.AST], seen: set[str]) -> Iterator[str]:
    """The string constants of an expression, through module-level names (each followed once)."""
    if isinstance(node, ast.Name):
        if node.id in names and node.id not in seen:
            seen.add(node.id)
            yield from _strings(names[node.id], names, seen)
        return
    if isinstance(node, ast.Dict):
        children: list[ast.AST] = [v for v in node.values if v is not None]
    else:
        children = list(ast.iter_child_nodes(node))
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    for child in children:
        yield from _strings(child, names, seen)


_READERS: dict[str, Callable[[Path], bool]] = {
    "pyproject.toml": lambda path: pyproject_declares(_toml(path)),
    "setup.py": _setup_py_declares,
    "setup.cfg": _setup_cfg_declares,
    "Pipfile": _pipfile_declares,
    "requirements": requirements_file_declares,
    "METADATA": metadata_declares,
    "requires.txt": requires_txt_declares,
}

"""Dotted module names for files, found the way Python finds packages.

The name must not depend on where a run started: ``check app/``,
``check .`` and the editor must all call ``app/routers/x.py``
``app.routers.x``, the name the project's own imports use, or none of them
resolves (issue 13).
"""

from __future__ import annotations

from hashlib import blake2b
from pathlib import Path

from .source_roots import declared_source_roots, name_from_source_roots

PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", ".git")
"""A folder holding one of these is a project root, put on ``sys.path``: never part of a module name.

``setup.py`` is no marker here: the folders asked about hold ``__init__.py``,
and a ``setup.py`` beside it is a module of that package (``onyx/setup.py``,
the application's start-up code), not a build script.
"""


def content_digest(data: bytes) -> bytes:
    """The content hash the result cache and the workspace index agree on."""
    return blake2b(data, digest_size=16).digest()


def module_name_for(path: Path, root: Path | None) -> tuple[str, bool]:
    """The module name of a file and whether it is a package (``__init__.py``).

    A folder the build maps to another package name (setuptools
    ``package-dir = {"acme" = "lib/acme_src"}``, Hatch ``sources``) names
    its files first. Then a file in a package is named from the outermost
    folder of its chain of folders holding ``__init__.py`` (the chain stops
    below a project root) when that package starts at or above ``root``.
    Elsewhere (packages in folders below the root, namespace packages,
    scripts) the name is relative to the innermost declared source root
    holding the file, else to ``root`` with a leading ``src/`` dropped as
    in src layouts: the namespace folders are part of what the project
    imports (``invokeai/app/__init__.py`` without ``invokeai/__init__.py``
    is ``invokeai.app``), and the workspace index also answers an import by
    a dotted suffix of the name (``onyx.db`` for ``backend/onyx/db``). A
    file outside the root is named by its file name alone.
    """
    path = path.absolute()
    declared = declared_source_roots(root) if root is not None else ()
    renamed = name_from_source_roots(path, tuple(entry for entry in declared if entry.prefix))
    top = package_top(path.parent) if renamed is None else None
    if renamed is not None:
        parts = renamed
    elif top is not None and not _below(top.parent, root):
        parts = [top.name, *path.relative_to(top).with_suffix("").parts]
    else:
        parts = name_from_source_roots(path, declared) or _relative_parts(path, root)
    is_package = bool(parts) and parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts) or "__main__", is_package


def package_top(folder: Path) -> Path | None:
    """The outermost package folder whose chain reaches ``folder``, or None when ``folder`` is no package."""
    if not (folder / "__init__.py").is_file() or _is_project_root(folder):
        return None
    top = folder
    while top.parent != top and (top.parent / "__init__.py").is_file() and not _is_project_root(top.parent):
        top = top.parent
    return top


def _below(folder: Path, root: Path | None) -> bool:
    """``folder`` is strictly inside ``root``."""
    if root is None:
        return False
    root = root.absolute()
    return folder != root and folder.is_relative_to(root)


def _is_project_root(folder: Path) -> bool:
    return any((folder / marker).exists() for marker in PROJECT_MARKERS)


def _relative_parts(path: Path, root: Path | None) -> list[str]:
    try:
        relative = path.relative_to(root.absolute()) if root else Path(path.name)
    except ValueError:
        relative = Path(path.name)
    parts = list(relative.with_suffix("").parts)
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    return parts

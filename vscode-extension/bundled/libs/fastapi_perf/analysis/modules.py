"""Dotted module names for files, relative to a project root."""

from __future__ import annotations

from hashlib import blake2b
from pathlib import Path


def content_digest(data: bytes) -> bytes:
    """The content hash the result cache and the workspace index agree on."""
    return blake2b(data, digest_size=16).digest()


def module_name_for(path: Path, root: Path | None) -> tuple[str, bool]:
    """The module name of a file and whether it is a package (``__init__.py``).

    A leading ``src/`` folder is dropped, as in src layouts; a file outside
    the root is named by its file name alone.
    """
    try:
        relative = path.relative_to(root) if root else Path(path.name)
    except ValueError:
        relative = Path(path.name)
    parts = list(relative.with_suffix("").parts)
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    is_package = bool(parts) and parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts) or "__main__", is_package

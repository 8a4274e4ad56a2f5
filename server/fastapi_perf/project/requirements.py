"""Is a requirement string FastAPI itself? And the requirement lists of text manifests.

A match is the distribution ``fastapi`` exactly, its name normalised as PEP
503 does (``FastAPI``, ``fastapi[standard]>=0.100``, ``fastapi ;
python_version > "3.8"`` and ``fastapi @ https://…`` count); another
distribution whose name starts alike (``fastapi-users``, ``fastapi_utils``,
``fastapi.contrib``, ``fastapi-cli``) never does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_AFTER_NAME = re.compile(r"\s*(?:$|[\[;(<>=!~@,])")
"""What may follow a distribution's name in a requirement (PEP 508): extras, markers, a version, a URL."""
_COMMENT = re.compile(r"(?:^|\s)#.*$")
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s*=\s*|\s+|(?=[^\s-]))(\S+)")
_EGG = re.compile(r"#egg=([A-Za-z0-9._-]+)")


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def is_fastapi(requirement: str) -> bool:
    """``requirement`` (PEP 508, or a bare name) names the distribution ``fastapi``."""
    found = _NAME.match(requirement)
    if found is None or normalised(found.group(1)) != "fastapi":
        return False
    return _AFTER_NAME.match(requirement, found.end()) is not None


def any_fastapi(requirements: Iterable[object]) -> bool:
    """Some string of ``requirements`` is a FastAPI requirement (anything else in the list is skipped)."""
    return any(isinstance(r, str) and is_fastapi(r) for r in requirements)


def requirements_file_declares(path: Path, seen: set[Path] | None = None) -> bool:
    """A pip requirements file, or one it includes with ``-r`` (relative to it, each read once), lists FastAPI.

    Constraint files (``-c``) only pin versions, so they declare nothing; an
    editable or URL line counts by its ``#egg=`` name.
    """
    seen = set() if seen is None else seen
    path = path.resolve()
    if path in seen:
        return False
    seen.add(path)
    for line in _logical_lines(_read(path)):
        include = _INCLUDE.match(line)
        if include:
            if requirements_file_declares(path.parent / include.group(1), seen):
                return True
        elif line.startswith("-"):
            egg = _EGG.search(line)
            if egg and normalised(egg.group(1)) == "fastapi":
                return True
        elif is_fastapi(line):
            return True
    return False


def requires_txt_declares(path: Path) -> bool:
    """An ``*.egg-info/requires.txt`` lists FastAPI, in its main list or under an ``[extra]`` section."""
    return any(is_fastapi(line) for line in _logical_lines(_read(path)) if not line.startswith("["))


def metadata_declares(path: Path) -> bool:
    """A ``*.dist-info/METADATA`` (or ``PKG-INFO``) has a ``Requires-Dist`` on FastAPI.

    A requirement guarded by ``extra == "…"`` counts as well: it is an
    optional extra, and a user who installs the application with it gets
    FastAPI, so its code is written to run under FastAPI.
    """
    for line in _read(path).splitlines():
        if not line.strip():
            return False  # the headers end here; the long description follows
        name, _, value = line.partition(":")
        if name.strip().lower() == "requires-dist" and is_fastapi(value):
            return True
    return False


def _logical_lines(text: str) -> Iterator[str]:
    """The non-empty lines of a requirements file, comments removed and ``\\`` continuations joined."""
    pending = ""
    for raw in text.splitlines():
        if raw.endswith("\\"):
            pending += raw[:-1] + " "
            continue
        line = _COMMENT.sub("", pending + raw).strip()
        pending = ""
        if line:
            yield line


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""

"""Read a file for ``--fix`` and write the fixed text back without damaging it.

The text is read as bytes and decoded without newline translation, so
``\\r\\n``, ``\\r`` and mixed line endings come back as they were (the
analysis gives inserted lines the file's own ending); a UTF-8 byte-order
mark is set aside and put back. A fixed file is written to a temporary
file in its own folder, given the original's mode, and renamed over it,
so a crash or a full disk leaves the old file or the new one, never half
of one. A file whose real path (links resolved) is outside the trees
named on the command line is never written, nor is one its owner made
read-only.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

BOM = "\ufeff"


def read_source(path: Path) -> tuple[str, bool]:
    """The file's text without a byte-order mark, and whether it had one."""
    text = path.read_bytes().decode("utf-8")
    if text.startswith(BOM):
        return text[1:], True
    return text, False


def checked_trees(paths: Sequence[Path]) -> list[Path]:
    """The real folders the run may write in: each named folder, and the folder of each named file."""
    trees = []
    for path in paths:
        path = path.absolute()
        trees.append(path.resolve() if path.is_dir() else path.parent.resolve())
    return trees


def refusal(path: Path, trees: Sequence[Path]) -> tuple[str, bool] | None:
    """Why the fixes of ``path`` must not be written, and whether that is an error (None: they may be)."""
    real = path.resolve()
    if not any(real == tree or tree in real.parents for tree in trees):
        return f"not fixed: it links to {real}, outside the checked tree", False
    # No write bit for anyone is a read-only file even to root, who may write anything.
    if not os.access(real, os.W_OK) or not os.stat(real).st_mode & 0o222:
        return "cannot write the fixes: the file is read-only", True
    return None


def write_source(path: Path, text: str, bom: bool) -> None:
    """Replace the file (its real path) with ``text``, atomically, keeping its mode; raises ``OSError``."""
    real = path.resolve()
    before = os.stat(real)
    data = ((BOM if bom else "") + text).encode("utf-8")
    descriptor, temporary = tempfile.mkstemp(dir=real.parent, prefix=".fastapi-perf-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(before.st_mode))
        if hasattr(os, "chown") and (before.st_uid, before.st_gid) != _owner(temporary):
            try:
                os.chown(temporary, before.st_uid, before.st_gid)  # only root may: a file keeps its owner
            except OSError:
                pass
        os.replace(temporary, real)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _owner(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_uid, info.st_gid

"""The on-disk result cache, in the spirit of Ruff's.

One file per (fastapi-perf version, settings fingerprint) under
``.fastapi_perf_cache/`` in the project root. An entry is reused when the
file's size and modification time are unchanged, or when its content hash
matches after a touch. A damaged or foreign cache is ignored, never fatal.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import __version__

CACHE_DIR = ".fastapi_perf_cache"


@dataclass(slots=True)
class Entry:
    mtime_ns: int
    size: int
    digest: bytes
    outcome: object
    deps: tuple[tuple[str, bytes], ...] = ()
    """Other files whose summaries the findings used, with their content hashes."""


from ..analysis.modules import content_digest  # noqa: E402, F401  (one hash for the cache and the index)


class ResultCache:
    def __init__(self, root: Path, fingerprint: str) -> None:
        self.folder = root / CACHE_DIR / __version__
        self.file = self.folder / f"{fingerprint}.pickle"
        self.entries: dict[str, Entry] = {}
        self.dirty = False
        try:
            with open(self.file, "rb") as handle:
                loaded = pickle.load(handle)
            if isinstance(loaded, dict):
                self.entries = loaded
        except (OSError, EOFError, pickle.PickleError, AttributeError, ImportError, ValueError, TypeError):
            self.entries = {}

    def lookup(self, key: str, stat: os.stat_result) -> Entry | None:
        entry = self.entries.get(key)
        if entry is not None and entry.mtime_ns == stat.st_mtime_ns and entry.size == stat.st_size:
            return entry
        return None

    def by_digest(self, key: str, digest: bytes) -> Entry | None:
        entry = self.entries.get(key)
        return entry if entry is not None and entry.digest == digest else None

    def store(self, key: str, entry: Entry) -> None:
        self.entries[key] = entry
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            gitignore = self.folder.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Automatically created by fastapi-perf.\n*\n", encoding="utf-8")
            handle = tempfile.NamedTemporaryFile("wb", dir=self.folder, delete=False, suffix=".tmp")
            with handle:
                pickle.dump(self.entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, self.file)
        except OSError:
            pass  # a read-only checkout still lints, just without a cache

"""The on-disk result cache, in the spirit of Ruff's: plain data only.

One JSON file per (fastapi-perf version, settings fingerprint, project path)
under ``.fastapi_perf_cache/`` in the project root. An entry is reused when
the file's size and modification time are unchanged, or when its content
hash matches after a touch.

A checkout can carry a planted cache folder, so nothing read from it is
trusted: the format cannot execute anything (JSON, never pickle), every
entry is validated before use (a malformed one is a miss), the file is
signed with a key kept in the user's own cache directory (a cache written
by anyone else is foreign, so ignored: it can neither run code nor hide
findings), and symlinks inside the cache folder are never followed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat as stat_module
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..user_dirs import own_cache

CACHE_DIR = ".fastapi_perf_cache"
FORMAT = 1
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass(slots=True)
class Entry:
    mtime_ns: int
    size: int
    digest: bytes
    outcome: tuple
    """``(problem, lines, findings)``, findings as :func:`finding_to_tuple` makes them."""
    deps: tuple[tuple[str, bytes], ...] = ()
    """Other files whose summaries the findings used, with their content hashes."""


def signing_key() -> bytes | None:
    """This user's key for signing caches; None when it can neither be read nor made."""
    folder = own_cache()
    path = folder / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = secrets.token_bytes(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
        return key
    except FileExistsError:  # another process made it first
        try:
            key = path.read_bytes()
            return key if len(key) >= 32 else None
        except OSError:
            return None
    except OSError:
        return None


def _real_folder(path: Path) -> bool:
    """Whether ``path`` is a directory that is not a symlink (a planted link would redirect reads and writes)."""
    try:
        return stat_module.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _entry_from_json(raw: object) -> Entry | None:
    """A validated entry, or None: any deviation from the shape we write is a miss."""
    try:
        mtime_ns, size, digest, outcome, deps = raw  # type: ignore[misc]
        problem, lines, findings = outcome
        if not (type(mtime_ns) is int and type(size) is int and type(lines) is int):
            return None
        if problem is not None and type(problem) is not str:
            return None
        return Entry(
            mtime_ns,
            size,
            bytes.fromhex(digest),
            (problem, lines, tuple(_finding_tuple(f) for f in findings)),
            tuple((_text(path), bytes.fromhex(dep)) for path, dep in deps),
        )
    except (TypeError, ValueError):
        return None


def _text(value: object) -> str:
    if type(value) is not str:
        raise TypeError("expected a string")
    return value  # type: ignore[return-value]


def _span(value: object) -> tuple[int, int, int, int]:
    a, b, c, d = value  # type: ignore[misc]
    if not (type(a) is int and type(b) is int and type(c) is int and type(d) is int):
        raise TypeError("expected four integers")
    return (a, b, c, d)


def _finding_tuple(value: object) -> tuple:
    code, message, span, fix, related, tags = value  # type: ignore[misc]
    _text(code)
    fix_tuple = None
    if fix is not None:
        fix_message, applicability, edits = fix
        if applicability not in ("safe", "unsafe", "display-only"):
            raise ValueError("unknown applicability")
        fix_tuple = (_text(fix_message), applicability, tuple((_span(r), _text(c)) for r, c in edits))
    related_tuple = tuple(
        (_text(m), _span(r), None if p is None else _text(p)) for m, r, p in related
    )
    return (code, _text(message), _span(span), fix_tuple, related_tuple, tuple(_text(t) for t in tags))


class ResultCache:
    def __init__(self, root: Path, fingerprint: str) -> None:
        self.root_folder = root / CACHE_DIR
        self.folder = self.root_folder / __version__
        where = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        self.file = self.folder / f"{fingerprint}-{where}.json"
        self.entries: dict[str, Entry] = {}
        self.dirty = False
        self.key = signing_key()
        if self.key is not None:
            self.entries = self._load()

    def _load(self) -> dict[str, Entry]:
        if not (_real_folder(self.root_folder) and _real_folder(self.folder)):
            return {}
        try:
            descriptor = os.open(self.file, os.O_RDONLY | _NOFOLLOW)
        except OSError:
            return {}
        try:
            with os.fdopen(descriptor, "rb") as handle:
                if not stat_module.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    return {}
                data = handle.read()
        except OSError:
            return {}
        signature, _, payload = data.partition(b"\n")
        assert self.key is not None
        expected = hmac.new(self.key, payload, hashlib.sha256).hexdigest().encode()
        if not hmac.compare_digest(signature, expected):
            return {}  # written by someone else (or damaged): foreign
        try:
            document = json.loads(payload)
        except (ValueError, RecursionError):
            return {}
        if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("version") != __version__:
            return {}
        raw_entries = document.get("entries")
        if not isinstance(raw_entries, dict):
            return {}
        entries = {}
        for key, raw in raw_entries.items():
            entry = _entry_from_json(raw)
            if entry is not None:
                entries[key] = entry
        return entries

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

    def _payload(self) -> bytes:
        entries = {
            key: [e.mtime_ns, e.size, e.digest.hex(), e.outcome, [[path, dep.hex()] for path, dep in e.deps]]
            for key, e in self.entries.items()
        }
        document = {"format": FORMAT, "version": __version__, "entries": entries}
        return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()

    def save(self) -> None:
        if not self.dirty or self.key is None:
            return
        try:
            for folder in (self.root_folder, self.folder):
                if not os.path.lexists(folder):
                    folder.mkdir()
                if not _real_folder(folder):
                    return  # a symlink or a file where our folder should be: write nothing
            gitignore = self.root_folder / ".gitignore"
            if not os.path.lexists(gitignore):
                gitignore.write_text("# Automatically created by fastapi-perf.\n*\n", encoding="utf-8")
            payload = self._payload()
            signature = hmac.new(self.key, payload, hashlib.sha256).hexdigest().encode()
            handle = tempfile.NamedTemporaryFile("wb", dir=self.folder, delete=False, suffix=".tmp")
            try:
                with handle:
                    handle.write(signature + b"\n" + payload)
                os.replace(handle.name, self.file)  # replaces a planted symlink itself, never its target
            except OSError:
                os.unlink(handle.name)
                raise
        except OSError:
            pass  # a read-only checkout still lints, just without a cache

"""Unpack the bundled server's wheels once, and print the folder to put on PYTHONPATH.

The .vsix carries fastapi-perf and its pure-Python dependencies as a dozen
wheels rather than thousands of loose files, which keeps packaging and
installing the extension fast. Python could import most of them from the zip
files directly, but parso and jedi read their grammars, stubs and helper
scripts from disk, so the extension runs this script (with the interpreter
that will run the server, in isolated mode) before the first start:

    python -I unpack.py WHEELS ROOT [ROOT ...]

The folder is ``ROOT/libs-<hash of the wheels>``: a rebuilt set of wheels
never mixes with an old one. It is filled in a temporary sibling and renamed
into place, so a crash leaves no half-unpacked folder and two windows that
start at once both end up using the same complete one. The first ROOT that
can be written wins (the extension's own folder, then its global storage).
Older ``libs-*`` folders in that root are removed. The folder is the last
line printed; a failure prints the reason and exits with status 1.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

PREFIX = "libs-"
STAGING_PREFIX = ".unpacking-"
# A staging folder this old belongs to a start that crashed, not to one in progress.
ABANDONED_AFTER_S = 3600


def bundle_key(wheels: list[Path]) -> str:
    """A short hash of the wheels' names and contents."""
    digest = hashlib.sha256()
    for wheel in wheels:
        digest.update(wheel.name.encode() + b"\0")
        digest.update(hashlib.sha256(wheel.read_bytes()).digest())
    return digest.hexdigest()[:16]


def unpack(wheels: list[Path], root: Path, key: str) -> Path:
    target = root / f"{PREFIX}{key}"
    if target.is_dir():
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    try:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(staging)
        try:
            os.rename(staging, target)
        except OSError:
            if not target.is_dir():
                raise
            # Another window renamed its copy first; that one is as good as ours.
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def remove_leftovers(root: Path, keep: Path) -> None:
    """Remove other bundles and abandoned staging folders (best effort: another window may hold them)."""
    now = time.time()
    for entry in root.iterdir():
        try:
            if entry == keep or not entry.is_dir():
                continue
            if entry.name.startswith(PREFIX) or (
                entry.name.startswith(STAGING_PREFIX) and now - entry.stat().st_mtime > ABANDONED_AFTER_S
            ):
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python -I unpack.py WHEELS ROOT [ROOT ...]", file=sys.stderr)
        return 2
    wheels = sorted(Path(argv[0]).glob("*.whl"))
    if not wheels:
        print(f"no wheels in {argv[0]}")
        return 1
    key = bundle_key(wheels)
    errors = []
    for root in map(Path, argv[1:]):
        try:
            target = unpack(wheels, root, key)
        except OSError as error:
            errors.append(f"{root}: {error}")
            continue
        remove_leftovers(root, target)
        print(target)
        return 0
    print(f"could not unpack the bundled server ({'; '.join(errors)})")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

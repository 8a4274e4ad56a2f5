"""A checkout that carries a planted result cache: nothing in it runs, nothing in it is believed.

Each test runs ``fastapi-perf check`` as a subprocess twice over the same
project: once to let it write its own cache, then again after the cache
folder was replaced by what an attacker could commit. The second run must
report exactly the findings of a run without a cache, and no payload may
run.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from cli.conftest import fastapi_perf

APP = """import time
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root():
    time.sleep(1)
    return {}
"""


class _Payload:
    """Unpickling this runs ``open(marker, 'w')``: the attack of a pickled cache."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


@pytest.fixture
def checkout(tmp_path: Path):
    root = tmp_path / "checkout"
    root.mkdir()
    (root / "app.py").write_text(APP, encoding="utf-8")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\ndependencies = ['fastapi']\n", encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "user-cache")}

    def run(*args: str):
        return fastapi_perf("check", *args, cwd=root, env=env)

    clean = run("--no-cache")
    assert clean.returncode == 1 and "FAP103" in clean.stdout
    return root, run, clean.stdout


def _cache_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / ".fastapi_perf_cache").rglob("*") if p.is_file() and p.name != ".gitignore")


def test_cache_holds_plain_signed_json(checkout) -> None:
    root, run, expected = checkout
    assert run().stdout == expected
    (cache,) = _cache_files(root)
    signature, _, payload = cache.read_bytes().partition(b"\n")
    assert len(signature) == 64 and payload.startswith(b"{")
    assert run().stdout == expected, "a warm run answers from the cache with the same findings"


@pytest.mark.parametrize("name", ["pickle", "truncated", "unsigned", "other-key", "wrong-shape"])
def test_planted_cache_is_a_miss(checkout, tmp_path: Path, name: str) -> None:
    root, run, expected = checkout
    run()
    (cache,) = _cache_files(root)
    marker = tmp_path / "payload-ran"
    signed = cache.read_bytes()
    payload = signed.partition(b"\n")[2]
    # What a planted file would claim: the file is clean.
    clean_claim = payload.replace(b'"FAP103"', b'"FAP999"')
    planted = {
        "pickle": pickle.dumps({"app.py": _Payload(marker)}),
        "truncated": signed[: len(signed) // 2],
        "unsigned": clean_claim,
        "other-key": b"0" * 64 + b"\n" + clean_claim,
        "wrong-shape": signed.split(b"\n")[0] + b"\n" + b'{"format":1,"entries":{"x":[1,2,3]}}',
    }[name]
    cache.write_bytes(planted)
    # Where versions before the JSON cache looked too (``<fingerprint>.pickle``).
    old_name = cache.stem.rsplit("-", 1)[0] + ".pickle"
    (cache.parent / old_name).write_bytes(pickle.dumps({"app.py": _Payload(marker)}))
    second = run()
    assert second.stdout == expected
    assert "FAP999" not in second.stdout
    assert not marker.exists(), "a planted cache ran code"


def test_entries_that_do_not_validate_are_misses_even_when_signed(checkout, tmp_path: Path) -> None:
    """A damaged entry in a file we signed ourselves (a bug, a partial write) is re-analysed, never an error."""
    root, run, expected = checkout
    run()
    (cache,) = _cache_files(root)
    import hashlib
    import hmac

    key = (tmp_path / "user-cache" / "fastapi-perf" / "cache-key").read_bytes()
    payload = cache.read_bytes().partition(b"\n")[2].replace(b'"FAP103"', b"1234")
    cache.write_bytes(hmac.new(key, payload, hashlib.sha256).hexdigest().encode() + b"\n" + payload)
    second = run()
    assert second.returncode == 1 and second.stdout == expected, second.stderr


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_symlinks_inside_the_cache_folder_are_not_followed(checkout, tmp_path: Path) -> None:
    root, run, expected = checkout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cache_root = root / ".fastapi_perf_cache"
    cache_root.mkdir()
    from fastapi_perf import __version__

    (cache_root / __version__).symlink_to(elsewhere, target_is_directory=True)
    assert run().stdout == expected
    assert list(elsewhere.iterdir()) == [], "the cache was written through a planted symlink"

    # A planted symlink at the cache file itself: replaced, its target untouched.
    (cache_root / __version__).unlink()
    run()
    (cache,) = _cache_files(root)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    cache.unlink()
    cache.symlink_to(victim)
    (root / "app.py").write_text(APP + "\n", encoding="utf-8")  # so the run has something to store
    assert run().stdout == expected
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not cache.is_symlink()

#!/usr/bin/env python3
"""Fix safety on real code: every offered action, one at a time, then fix-all, on every file of a corpus.

    python tests/benchmarks/bench_fix_safety.py --corpus /work/corpus/src            # ../shared/corpus/fetch.sh DEST
    python tests/benchmarks/bench_fix_safety.py --corpus /work/corpus/src --all-asyncio-files

Each application (a folder of ``--corpus``) is analysed as
``fastapi-perf check APP --select FAP`` does; in every file with a finding,
each quick fix and each "Disable FAPxxx for this line" action is applied
alone, then fix-all (unsafe fixes included). A result is broken when it no
longer compiles, still has the finding the action targeted, or has a
finding the file did not have (``tests/robustness/fix_safety.py``).
``--all-asyncio-files`` also runs the event-loop rules on files that do not
import FastAPI, which offers many more fixes on the same code.

Prints the counts per application and in total (fixes tried, broken: must
be 0) and every broken result with its diff; exits 1 if any broke. The CI
test ``tests/robustness/test_fix_safety.py`` does the same on the demo app
and the rule fixtures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "server"), str(ROOT / "tests")]

from robustness.fix_safety import Project, Tally  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="a folder holding one folder per application")
    parser.add_argument("--app", action="append", default=[], help="only these applications (folder names)")
    parser.add_argument("--all-asyncio-files", action="store_true", help="run the event-loop rules on every file")
    parser.add_argument("--show", type=int, default=20, help="print at most this many broken results in full")
    args = parser.parse_args()
    apps = sorted(p for p in args.corpus.iterdir() if p.is_dir() and not p.name.startswith(".") and (not args.app or p.name in args.app))
    total = Tally()
    started = time.perf_counter()
    mode = "all files" if args.all_asyncio_files else "files that use FastAPI"
    print(f"# Fix safety on {len(apps)} applications under {args.corpus} (event-loop rules on {mode})\n")
    for app in apps:
        tally = Tally()
        app_started = time.perf_counter()
        overrides = {"all_asyncio_files": True} if args.all_asyncio_files else {}
        Project(app, **overrides).check(tally)
        print(f"{app.name:<20} {time.perf_counter() - app_started:7.1f} s  {tally.summary()}", flush=True)
        total.add(tally)
    print(f"\ntotal {time.perf_counter() - started:.0f} s: {total.summary()}")
    print(f"fixes tried: {total.fixes}, noqa actions tried: {total.noqa}, fix-all fixes: {total.fix_all_applied}, broken: {len(total.broken)}")
    for broken in total.broken[: args.show]:
        print(f"\n{broken}")
    return 1 if total.broken else 0


if __name__ == "__main__":
    sys.exit(main())

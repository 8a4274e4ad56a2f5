#!/usr/bin/env python3
"""The robustness property tests, run longer: a soak of random edits over the protocol and on the core.

    python tests/benchmarks/bench_soak.py [--scale 10]

Runs ``tests/robustness/test_protocol_edits.py`` (random edit scripts sent
to the real server by VS Code-, Emacs- and Neovim-like clients, every
version's text, diagnostics and ranges checked) and
``tests/robustness/test_core_edits.py`` (many more random edits on the
incremental document, compared with fresh parses and fresh analyses) with
``ROBUSTNESS_SCALE`` times as many examples as CI runs (CI: scale 1, at
least 2,000 edits over the protocol). Prints the edits sent over the
protocol, the time each part took and pytest's verdict; exits with
pytest's status, so a failure (with hypothesis's minimal failing example)
is visible.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(test: str, scale: float) -> int:
    env = {**os.environ, "ROBUSTNESS_SCALE": str(scale)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", f"tests/robustness/{test}", "-q", "-s", "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - started
    sent = re.search(r"edits sent over the protocol: (\d+) \((.*)\)", done.stdout)
    verdict = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"{test:<26} scale {scale:g}: {elapsed:7.0f} s  {verdict}")
    if sent:
        total = int(sent.group(1))
        print(f"{'':<26} {total:,} edits over the protocol ({total / elapsed:.0f}/s with all checks): {sent.group(2)}")
    if done.returncode:
        print(done.stdout[-6000:], done.stderr[-3000:], sep="\n")
    return done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=10.0)
    args = parser.parse_args()
    status = run("test_protocol_edits.py", args.scale)
    status |= run("test_core_edits.py", args.scale)
    return status


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Typing speed: 100 didChange notifications at 30 a second, as fast typing sends them.

    python tests/benchmarks/bench_typing.py [--sizes 2000,10000] [--rate 30] [--changes 100]

A line of code is typed, one character per ``didChange``, into a route of a
generated FastAPI module, at ``--rate`` changes a second, with the default
``debounce`` (50 ms) and with 0. Printed per run:

- the latency of the last version: its ``didChange`` sent -> the
  ``publishDiagnostics`` of that version; after the debounce it should be
  no more than one edit after a pause takes (measured just before), and
  within the server's latency target, ``ruff server``'s p95 on the same
  file (measured in the same run when ``ruff`` is on ``PATH``) — a backlog
  would add the queued work;
- how many versions were published (the debounce coalesces a burst) and
  whether any publication came for a version older than one already
  published;
- the backlog: the round trip of a ``fastapi-perf/documentText`` request
  sent right after each change (the server answers it only once the
  queued changes are handled), median and max.

It asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import synth
from bench_lsp import measure_server
from lsp_session import NOW, Session, percentile

# 100 characters: the last version is valid code again (the ones before leave a bracket open).
LINE = "    total = sum(item.price * item.quantity for item in order.items if item.active) + shipping(order)"


def route_line(text: str) -> int:
    """The first line of a route's body (an ``async def`` under a decorator; not a dependency, which every route reads)."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if line.startswith("async def ") and lines[number - 1].startswith("@") and number > len(lines) // 2:
            return number + 1
    raise SystemExit("no route in the generated module")


def single_edit_p95(session: Session, uri: str, line: int, version: int, count: int = 30) -> tuple[float, int]:
    latencies = []
    for index in range(count):
        version += 1
        if index % 2 == 0:
            sent = session.change(uri, version, line, 0, None, "#")
        else:
            sent = session.change(uri, version, line, 0, (line, 1), "")
        stamp, _ = session.diagnostics(uri, version)
        latencies.append((stamp - sent) * 1000)
        time.sleep(0.02)
    return percentile(latencies[4:], 0.95), version


def run(lines: int, debounce: int, rate: float, changes: int) -> None:
    text = synth.module(lines, seed=3)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "pyproject.toml").write_text("[project]\nname = 'typing'\ndependencies = ['fastapi']\n")
        path = folder / "service.py"
        path.write_text(text)
        session = Session(folder, {"debounce": debounce, "inference": False})
        try:
            uri = session.open(path, text)
            session.diagnostics(uri, 1)
            session.wait_indexed()
            line = route_line(text)
            p95, version = single_edit_p95(session, uri, line, 1)
            version += 1
            session.change(uri, version, line, 0, None, "\n")  # a new line to type into
            session.diagnostics(uri, version)
            session.drain()
            session.published.clear()
            typed = LINE[:changes].ljust(changes, "x")
            sent_at: dict[int, float] = {}
            echoes = []
            for index, char in enumerate(typed):
                version += 1
                sent_at[version] = session.change(uri, version, line, index, None, char)
                stamp, _ = session.document_text(uri)
                echoes.append((stamp - sent_at[version]) * 1000)
                time.sleep(max(0.0, sent_at[version] + 1 / rate - NOW()))
            last = version
            stamp, _ = session.diagnostics(uri, last)
            time.sleep(0.3)
            session.drain()
            versions = [p["version"] for _, p in session.published if p["uri"] == uri and p.get("version") in sent_at]
            backwards = sum(1 for a, b in zip(versions, versions[1:]) if b < a)
            latency = (stamp - sent_at[last]) * 1000
            print(
                f"{lines:>7,} lines  debounce {debounce:>3} ms  last version {latency:6.1f} ms, {latency - debounce:5.1f} after the "
                f"debounce (one edit after a pause: p95 {p95 - debounce:5.1f})  "
                f"published {len(set(versions)):3d}/{changes} versions, {backwards} out of order  "
                f"backlog: request round trip median {statistics.median(echoes):5.1f} ms, max {max(echoes):6.1f} ms"
            )
        finally:
            session.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--changes", type=int, default=100)
    args = parser.parse_args()
    print(f"# {args.changes} didChange at {args.rate:.0f}/s\n")
    for lines in [int(s) for s in args.sizes.split(",") if s]:
        for debounce in (50, 0):
            run(lines, debounce, args.rate, args.changes)
        if shutil.which("ruff"):
            with tempfile.TemporaryDirectory() as tmp:
                result = measure_server("ruff server", synth.module(lines, seed=3), Path(tmp), 40)
            print(f"{lines:>7,} lines  ruff server, one-character edits: p95 {result['p95']:5.1f} ms (the server's target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Memory over a long session: 10,000 edits on one document, then 200 open/close cycles.

    python tests/benchmarks/bench_memory.py [--edits 10000] [--cycles 200] [--lines 2000]
    python tests/benchmarks/bench_memory.py --busy [--edits 20000] [--cycles 200]

One server (default settings but ``debounce`` 0, inference on as in an
editor) gets a generated FastAPI module and ``--edits`` edits to it: one
character typed and deleted at places spread over the file, and every 25th
edit a new route pasted in and, 25 edits later, removed, so the text ends
where it started. Every 10th edit waits for that version's diagnostics.
Then 20 other modules are opened and closed in turn, ``--cycles`` times in
all. The server's RSS is read from ``/proc`` after a warm-up (the first
500 edits and 20 cycles: caches fill once), along the way, and at the end
after an idle second and a half (the server collects everything after
``--full-collection-after`` seconds idle: 20 by default, 1 here). The target:
growth under 20 MB. Latency of the waited-for edits is printed per
thousand edits, to show it does not drift. It asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import synth
from bench_lsp import edit_sites
from lsp_session import Session, summary

ROUTE = '\n\n@app.get("/pasted")\nasync def pasted():\n    time.sleep(1)\n    return {"ok": True}\n'
WARM_EDITS = 500
WARM_CYCLES = 20
TARGET_MB = 20.0
FULL_COLLECTION_S = "1"
"""The server's full idle collection, shortened from its 20 s so that a settle takes 1.5 s, not 21."""


def settle(session: Session) -> float:
    time.sleep(1.5)  # the full idle collection runs after FULL_COLLECTION_S without edits
    return session.rss_mb()


def edit(session: Session, uri: str, version: int, index: int, sites, paste_line: int) -> float:
    """The ``index``-th edit of a run of 50 that leaves the text as it was; when it was sent."""
    step = index % 50
    if step == 0:
        return session.change(uri, version, paste_line, 0, None, ROUTE)
    if step == 25:
        return session.change(uri, version, paste_line, 0, (paste_line + ROUTE.count("\n"), 0), "")
    pair = (step - 1) if step < 25 else (step - 26)  # 24 edits: 12 type-and-delete pairs
    line, column = sites[(index // 50 * 24 + pair // 2) % len(sites)]
    if pair % 2 == 0:
        return session.change(uri, version, line, column, None, "7")
    return session.change(uri, version, line, column, (line, column + 1), "")


def workspace(folder: Path, lines: int) -> tuple[Path, str, list[Path]]:
    text = synth.module(lines, seed=5)
    (folder / "pyproject.toml").write_text("[project]\nname = 'memory'\ndependencies = ['fastapi']\n")
    path = folder / "service.py"
    path.write_text(text)
    others = []
    for index in range(20):
        other = folder / f"other_{index}.py"
        other.write_text(synth.module(300, seed=100 + index))
        others.append(other)
    return path, text, others


def busy(args: argparse.Namespace) -> int:
    """Edits and reopenings interleaved, never idle; RSS every 1,000 edits."""
    every = max(1, args.edits // max(args.cycles, 1))
    with tempfile.TemporaryDirectory() as tmp:
        path, text, others = workspace(Path(tmp), args.lines)
        session = Session(Path(tmp), {"debounce": 0, "inference": args.inference == "on"}, ("--full-collection-after", FULL_COLLECTION_S))
        rows = []
        try:
            uri = session.open(path, text)
            session.diagnostics(uri, 1)
            session.wait_indexed()
            lines = text.split("\n")
            sites = edit_sites(lines, 200)
            version, reopened = 1, 0
            started = time.perf_counter()
            longest_gap = 0.0
            last = time.perf_counter()
            for index in range(args.edits):
                version += 1
                edit(session, uri, version, index, sites, len(lines) - 1)
                if index % 10 == 9:
                    session.diagnostics(uri, version)
                    session.published.clear()
                if index % every == every - 1:
                    other = others[reopened % len(others)]
                    other_uri = session.open(other, other.read_text())
                    session.diagnostics(other_uri, 1)
                    session.close_document(other_uri)
                    session.published.clear()
                    reopened += 1
                now = time.perf_counter()
                longest_gap, last = max(longest_gap, now - last), now
                if (index + 1) % 1000 == 0:
                    rows.append((index + 1, reopened, session.rss_mb(), now - started))
                    print(f"{index + 1:>7,} edits {reopened:>4} reopened  RSS {rows[-1][2]:7.1f} MB", flush=True)
            peak = session.peak_rss_mb()
        finally:
            session.close()
    print(f"\n# {args.edits:,} edits on a {args.lines:,}-line module with {reopened} open/close cycles among them, "
          f"never idle (longest gap between edits {longest_gap * 1000:.0f} ms)\n")
    print(f"{'edits':>7} {'reopened':>9} {'seconds':>8} {'RSS MB':>8}")
    for edits, cycles, rss, seconds in rows:
        print(f"{edits:>7,} {cycles:>9} {seconds:>8.0f} {rss:>8.1f}")
    half = rows[len(rows) // 2 :]
    slope = (half[-1][2] - half[0][2]) / max(half[-1][0] - half[0][0], 1) * 1000
    print(f"\npeak RSS {peak:.1f} MB; from {rows[0][0]:,} to {rows[-1][0]:,} edits {rows[-1][2] - rows[0][2]:+.1f} MB; "
          f"second half {slope:+.2f} MB per 1,000 edits")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=None, help="default 10,000 (20,000 with --busy)")
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--inference", choices=["on", "off"], default="on", help="jedi inference (on in editors by default)")
    parser.add_argument("--busy", action="store_true", help="open/close among the edits, never idle")
    args = parser.parse_args()
    if args.busy:
        args.edits = args.edits or 20_000
        return busy(args)
    args.edits = max(50, (args.edits or 10_000) // 50 * 50)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, text, others = workspace(folder, args.lines)
        session = Session(folder, {"debounce": 0, "inference": args.inference == "on"}, ("--full-collection-after", FULL_COLLECTION_S))
        try:
            uri = session.open(path, text)
            session.diagnostics(uri, 1)
            session.wait_indexed()
            lines = text.split("\n")
            sites = edit_sites(lines, 200)
            paste_line = len(lines) - 1
            version = 1
            rows = []
            latencies: list[float] = []
            baseline = None
            started = time.perf_counter()
            for index in range(args.edits):
                version += 1
                sent = edit(session, uri, version, index, sites, paste_line)
                if index % 10 == 9:
                    stamp, _ = session.diagnostics(uri, version)
                    latencies.append((stamp - sent) * 1000)
                    session.published.clear()
                if index + 1 == WARM_EDITS:
                    baseline = settle(session)
                    rows.append((f"after {WARM_EDITS:,} edits (baseline)", baseline))
                if (index + 1) % 1000 == 0:
                    rows.append((f"after {index + 1:,} edits", session.rss_mb()))
                    print(f"edits {index - 998:>6,}-{index + 1:<6,} {summary(latencies)}", flush=True)
                    latencies = []
            version += 1
            session.change(uri, version, 0, 0, None, "")
            session.diagnostics(uri, version)
            held = session.document_text(uri)[1]["result"]["text"]
            assert held == text, "the edits cancel out in runs of 50: the server's text must be the original"
            edits_s = time.perf_counter() - started
            rows.append((f"after {args.edits:,} edits, idle", settle(session)))
            cycle_base = None
            for cycle in range(args.cycles):
                other = others[cycle % len(others)]
                other_uri = session.open(other, other.read_text())
                session.diagnostics(other_uri, 1)
                session.close_document(other_uri)
                session.published.clear()
                if cycle + 1 == WARM_CYCLES:
                    cycle_base = settle(session)
                    rows.append((f"after {WARM_CYCLES} open/close cycles", cycle_base))
            rows.append((f"after {args.cycles} open/close cycles, idle", settle(session)))
            peak = session.peak_rss_mb()
        finally:
            session.close()
    print(f"\n# {args.edits:,} edits on a {args.lines:,}-line module ({edits_s:.0f} s), then {args.cycles} open/close cycles\n")
    print(f"{'when':<44} {'RSS MB':>8} {'vs baseline':>12}")
    for label, rss in rows:
        print(f"{label:<44} {rss:8.1f} {rss - baseline:+12.1f}")
    growth = rows[-1][1] - baseline
    edits_growth = rows[next(i for i, r in enumerate(rows) if r[0].endswith("edits, idle"))][1] - baseline
    print(f"\npeak RSS {peak:.1f} MB; growth over the edits {edits_growth:+.1f} MB, over the whole session {growth:+.1f} MB "
          f"(target < {TARGET_MB:.0f} MB: {'met' if growth < TARGET_MB else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

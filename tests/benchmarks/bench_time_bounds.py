#!/usr/bin/env python3
"""Edit latency on a pathological module, with jedi inference on and off.

    python tests/benchmarks/bench_time_bounds.py [--edits 60]

The workspace is ``tests/robustness/pathological.py``'s: a 400-link
attribute chain, star-import cycles, modules that import themselves, a huge
literal in the open file and a 1.5 MB data module beside it; every edit
re-checks a route that asks jedi questions it needs tens of seconds for.
For each setting it prints: the time to the first diagnostics and to the
end of indexing; didChange -> publishDiagnostics of that version for
one-character edits in that route (each sent after the previous one's
diagnostics, debounce 0); the server's CPU seconds during the edits; and
how long after the last edit the server went idle (jedi stops at its
budget, ``lsp/semantic.py``). The target is the server's edit-latency
target (issue 3: p95 no higher than ``ruff server``'s on the same file,
measured in the same run) — the inference tier must not move it. It
asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench_lsp import measure_server
from lsp_session import NOW, ROOT, Session, summary

sys.path[:0] = [str(ROOT / "server"), str(ROOT / "tests")]

from fastapi_perf.lsp.semantic import ANSWER_BUDGET_S  # noqa: E402
from robustness.pathological import EDIT_LINE, build  # noqa: E402


def idle_after(session: Session, limit_s: float = 60.0) -> float:
    """Seconds until the server uses under 10 % of a CPU over half a second."""
    started = NOW()
    while NOW() - started < limit_s:
        before = session.cpu_s()
        time.sleep(0.5)
        if session.cpu_s() - before < 0.05:
            return NOW() - started - 0.5
    return float("inf")


def run(inference: bool, edits: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = build(Path(tmp))
        text = path.read_text()
        session = Session(Path(tmp), {"debounce": 0, "inference": inference})
        try:
            opened = NOW()
            uri = session.open(path, text)
            first, _ = session.diagnostics(uri, 1)
            session.wait_indexed()
            indexed = NOW()
            column = len(text.split("\n")[EDIT_LINE])
            latencies = []
            cpu = session.cpu_s()
            for index in range(edits):
                version = index + 2
                if index % 2 == 0:
                    sent = session.change(uri, version, EDIT_LINE, column, None, "x")
                else:
                    sent = session.change(uri, version, EDIT_LINE, column, (EDIT_LINE, column + 1), "")
                stamp, _ = session.diagnostics(uri, version)
                latencies.append((stamp - sent) * 1000)
                time.sleep(0.02)
            cpu = session.cpu_s() - cpu
            idle = idle_after(session)
            print(f"\n## inference {'on' if inference else 'off'} ({len(text.splitlines()):,}-line main.py, {edits} edits)\n")
            print(f"first diagnostics {(first - opened) * 1000:8.0f} ms; workspace indexed after {(indexed - opened):5.1f} s")
            print(f"edit latency      {summary(latencies[4:])}")
            print(f"server CPU during the edits {cpu:5.1f} s; idle {idle:4.1f} s after the last edit (jedi budget {ANSWER_BUDGET_S:.1f} s)")
        finally:
            session.close()


def ruff(edits: int) -> None:
    """``ruff server`` on the same module (its own edit places: digits in indented code), for the target."""
    if not shutil.which("ruff"):
        print("\n(ruff is not installed: no target figure)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = build(Path(tmp))
        result = measure_server("ruff server", path.read_text(), Path(tmp), edits)
    print(f"\n## ruff server, same module: edit latency p50 {result['p50']:.1f} ms  p95 {result['p95']:.1f} ms (the target)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--inference", choices=["on", "off", "both"], default="both")
    args = parser.parse_args()
    for inference in (False, True):
        if args.inference in ("both", "on" if inference else "off"):
            run(inference, args.edits)
    ruff(args.edits)
    return 0


if __name__ == "__main__":
    sys.exit(main())

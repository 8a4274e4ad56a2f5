#!/usr/bin/env python3
"""CLI throughput: fastapi-perf cold and warm, against Ruff and flake8-async, in one run.

    python tests/benchmarks/bench_cli.py                 # generated project (100,000 lines)
    python tests/benchmarks/bench_cli.py --corpus DIR    # also a tree of real code (../shared/corpus)
    python tests/benchmarks/bench_cli.py --corpus DIR --baseline OTHER/server   # and another copy, same run

Prints median and p95 wall time over the runs, lines per second, and ratios
against the baselines measured in the same run. It asserts nothing: the
numbers go into docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

PROJECT = [(500, 20), (2000, 20), (10000, 5)]


def timed(cmd: list[str], cwd: Path, runs: int, env: dict | None = None, before=None) -> list[float]:
    times = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        times.append(time.perf_counter() - start)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def count_lines(files: list[Path]) -> int:
    return sum(p.read_bytes().count(b"\n") for p in files)


def tool(name: str) -> str | None:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    return found


def row(label: str, times: list[float], lines: int, baseline: float | None) -> str:
    median = statistics.median(times)
    ratio = f"{median / baseline:8.2f}x" if baseline else "        -"
    return f"{label:<44} {median:9.3f} {p95(times):9.3f} {lines / median:12,.0f} {ratio}"


def interleaved(commands: list[tuple[list[str], dict]], cwd: Path, runs: int) -> list[list[float]]:
    """Time several commands in turn, run after run, so that a load that comes and goes hits them alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for index, (cmd, env) in enumerate(commands):
            times[index] += timed(cmd, cwd, 1, env)
    return times


def bench_tree(
    title: str, root: Path, files: list[Path], runs: int, flake8_files: list[Path], baseline: Path | None = None
) -> None:
    lines = count_lines(files)
    fp = [sys.executable, "-m", "fastapi_perf", "check", "--exit-zero", "--quiet"]
    cache = root / ".fastapi_perf_cache"
    clear = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
    # As installed by pip: with compiled bytecode (a sandbox may set PYTHONDONTWRITEBYTECODE,
    # which would add compiling every module to each warm run).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(HERE.parents[1] / "server")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parents[1] / "server" / "fastapi_perf")], env=env, check=False, stdout=subprocess.DEVNULL)
    print(f"\n## {title}: {len(files)} files, {lines:,} lines ({os.cpu_count()} cores)\n")
    print(f"{'command':<44} {'median s':>9} {'p95 s':>9} {'lines/s':>12} {'vs ruff':>9}")
    results = {}
    ruff = tool("ruff")
    if ruff:
        results["ruff"] = timed([ruff, "check", "--select", "ASYNC", "--no-cache", "--exit-zero", "--output-format", "concise", "."], root, runs)
    base = statistics.median(results["ruff"]) if "ruff" in results else None
    if ruff:
        print(row("ruff check --select ASYNC --no-cache", results["ruff"], lines, base))
    if baseline is not None:
        other = {**env, "PYTHONPATH": str(baseline)}
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(baseline / "fastapi_perf")], env=other, check=False, stdout=subprocess.DEVNULL)
        cold, before = interleaved([(fp + ["--no-cache", "."], env), (fp + ["--no-cache", "."], other)], root, runs)
        print(row("fastapi-perf check --no-cache (cold)", cold, lines, base))
        print(row(f"  the same, {baseline}", before, lines, base))
        print(f"  cold, this copy / the baseline: {statistics.median(cold) / statistics.median(before):.3f}"
              f" (runs: {', '.join(f'{t:.2f}' for t in cold)} / {', '.join(f'{t:.2f}' for t in before)})")
    else:
        cold = timed(fp + ["--no-cache", "."], root, runs, env)
        print(row("fastapi-perf check --no-cache (cold)", cold, lines, base))
    isolated = timed(fp + ["--no-cache", "--no-follow-imports", "."], root, runs, env)
    print(row("  same, --no-follow-imports (no index)", isolated, lines, base))
    first = timed(fp + ["."], root, runs, env, before=clear)
    print(row("fastapi-perf check, empty cache (writes it)", first, lines, base))
    warm = timed(fp + ["."], root, runs, env)
    print(row("fastapi-perf check, warm cache", warm, lines, base))
    print(f"\nwarm / cold: {statistics.median(warm) / statistics.median(cold):.3f}")
    flake8 = tool("flake8")
    if flake8 and flake8_files:
        subset_lines = count_lines(flake8_files)
        times = timed([flake8, "--select", "ASYNC", "--exit-zero", *map(str, flake8_files)], root, 1)
        median = statistics.median(times)
        print(
            f"flake8 + flake8-async --select ASYNC on {len(flake8_files)} files ({subset_lines:,} lines): "
            f"{median:.2f} s, {subset_lines / median:,.0f} lines/s "
            f"(fastapi-perf cold is {(lines / statistics.median(cold)) / (subset_lines / median):.0f}x faster per line)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, help="a folder of real code, e.g. the unpacked ../shared/corpus/src")
    parser.add_argument("--baseline", type=Path, help="another copy's server/ folder, timed cold in the same run")
    parser.add_argument("--no-generated", action="store_true", help="skip the generated project")
    args = parser.parse_args()
    baseline = args.baseline.resolve() if args.baseline else None
    if not args.no_generated:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "project"
            files, _ = synth.project(root, PROJECT)
            bench_tree("Generated FastAPI project", root, files, args.runs, [f for f in files if "_500_" in f.name][:4], baseline)
    if args.corpus:
        corpus = args.corpus.resolve()
        files = [Path(p) for p in corpus.rglob("*.py")]
        bench_tree(f"Corpus {corpus}", corpus, files, max(1, args.runs // 2), [], baseline)
    return 0


if __name__ == "__main__":
    sys.exit(main())

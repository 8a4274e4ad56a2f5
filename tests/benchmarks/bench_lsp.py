#!/usr/bin/env python3
"""Language-server latency and memory: fastapi-perf against ruff server and parso, in one run.

    python tests/benchmarks/bench_lsp.py                      # generated 500/2,000/10,000-line modules
    python tests/benchmarks/bench_lsp.py --file BIG.py        # also a real file (litellm's proxy_server.py)
    python tests/benchmarks/bench_lsp.py --sizes 2000,10000 --class-lines 4000 --syntax-errors --many 0 \\
        --baseline OTHER/server                               # and another copy on the valid files

For each file and server it prints: spawn -> initialize reply; didOpen ->
first diagnostics; didChange -> publishDiagnostics of that version for
one-character edits at different places (debounce 0), p50 and p95 (``--pause``
sets the wait between an edit's diagnostics and the next edit); the
server's peak RSS. In the same run it times parso's own diff re-parse of
the same edits, and prints the ratios the targets are stated in. It asserts
nothing.

``--class-lines N`` adds a module that is one N-line class (every edit
re-parses the class). ``--syntax-errors`` measures each file a second time
with a syntax error in every edited function (an unclosed bracket on the
line after the edit), the path that parses the edited statement again with
parso's error recovery, for both servers.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

NOW = time.perf_counter


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class Client:
    """Just enough of an LSP client: framing, requests, notifications, a message queue."""

    def __init__(self, cmd: list[str], cwd: Path, env: dict | None = None) -> None:
        self.process = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode().partition(":")
                headers[name.lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self._received(NOW(), body)

    def _received(self, stamp: float, body: bytes) -> None:
        self.messages.put((stamp, json.loads(body)))

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict) -> int:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def wait(self, predicate, timeout: float = 120.0) -> tuple[float, dict]:
        deadline = NOW() + timeout
        while True:
            stamp, message = self.messages.get(timeout=max(0.01, deadline - NOW()))
            if "method" in message and "id" in message:  # a request from the server: answer it
                result = [None] * len(message["params"].get("items", [])) if message["method"] == "workspace/configuration" else None
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
                continue
            if predicate(message):
                return stamp, message

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()


SERVERS = {
    "fastapi-perf": {
        "cmd": [sys.executable, "-m", "fastapi_perf", "lsp"],
        "init": {"debounce": 0},
    },
    "ruff server": {
        "cmd": [shutil.which("ruff") or "ruff", "server"],
        "init": {"settings": {"lint": {"select": ["ASYNC", "FAST"]}}},
    },
}


def edit_sites(lines: list[str], count: int, indent: int = 4) -> list[tuple[int, int]]:
    """Places after a number inside code indented ``indent`` or more, spread over the file.

    Typing ``1`` there and deleting it keeps the file valid (a number that
    is ``0`` is skipped: ``01`` does not parse).
    """
    candidates = []
    for number, line in enumerate(lines):
        if not line.startswith(" " * indent) or line.lstrip().startswith("#"):
            continue
        # Not a lone ``0``: ``01`` is a syntax error, and the file is meant to stay valid.
        match = re.search(r"(?<![\w.])(?!0(?![\w.]))\d+(?![\w.])", line)
        if match and line.count('"') % 2 == 0:
            candidates.append((number, match.end()))
    if not candidates:
        raise SystemExit("no edit sites found")
    step = max(1, len(candidates) // count)
    return candidates[::step][:count]


_DEF = re.compile(r"\s*(?:async\s+)?def\s")
_MEMBER = re.compile(r"\s*(?:(?:async\s+)?def\s|@|class\s)")


def broken_variant(text: str, sites: list[tuple[int, int]], one_statement: bool = False) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with an unclosed bracket on the line after each edit site, and the sites moved to match.

    With ``one_statement`` (a module that is one class) only the method around
    the middle site is broken (after its last site), and the edits are made
    at its sites: one statement with one syntax error, as while typing.
    """
    lines = text.split("\n")
    if one_statement:
        first = last = sites[len(sites) // 2][0]
        while first > 0 and not _DEF.match(lines[first]):
            first -= 1
        while last + 1 < len(lines) and not _MEMBER.match(lines[last + 1]):
            last += 1
        sites = [site for site in edit_sites(lines, len(lines), 8) if first <= site[0] <= last]
        broken_after = {sites[-1][0]}
    else:
        broken_after = {line for line, _ in sites}
    out: list[str] = []
    moved: dict[int, int] = {}
    for number, line in enumerate(lines):
        moved[number] = len(out)
        out.append(line)
        if number in broken_after:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}pending = compute(")
    return "\n".join(out), [(moved[line], column) for line, column in sites]


def measure_server(
    name: str, text: str, folder: Path, edits: int, sites: list[tuple[int, int]] | None = None, pause: float = 0.02
) -> dict:
    spec = SERVERS[name]
    env = {**os.environ, "PYTHONPATH": str(spec.get("path", ROOT / "server"))}
    path = folder / "bench_module.py"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    started = NOW()
    client = Client(spec["cmd"], folder, env)
    rid = client.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": folder.as_uri(),
            "capabilities": {"textDocument": {"publishDiagnostics": {"versionSupport": True}}, "general": {"positionEncodings": ["utf-16"]}},
            "initializationOptions": spec["init"],
        },
    )
    stamp, _ = client.wait(lambda m: m.get("id") == rid)
    initialize_ms = (stamp - started) * 1000
    client.notify("initialized", {})
    sent = NOW()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    stamp, first = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
    open_ms = (stamp - sent) * 1000
    findings = len(first["params"]["diagnostics"])
    lines = text.split("\n")
    sites = sites or edit_sites(lines, edits // 2 + 1)
    latencies = []
    version = 1
    for index in range(edits):
        line, column = sites[(index // 2) % len(sites)]
        version += 1
        if index % 2 == 0:
            change = {"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column}}, "text": "1"}
        else:
            change = {"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column + 1}}, "text": ""}
        time.sleep(pause)  # let the previous round's output drain, as a typist would (or pause longer)
        sent = NOW()
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        target = version
        stamp, _ = client.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version", target) == target
        )
        latencies.append((stamp - sent) * 1000)
    rss = peak_rss_mb(client.process.pid)
    client.close()
    warm = latencies[4:] if len(latencies) > 8 else latencies
    return {
        "initialize_ms": initialize_ms,
        "open_ms": open_ms,
        "p50": statistics.median(warm),
        "p95": percentile(warm, 0.95),
        "rss": rss,
        "findings": findings,
        "sites": sites,
    }


def parso_times(text: str, sites: list[tuple[int, int]], edits: int) -> tuple[float, float, float]:
    """parso's diff parser on the same edits: (full parse ms, p50 ms, p95 ms)."""
    import parso

    grammar = parso.load_grammar()
    path = "/tmp/fastapi_perf_bench_parso.py"
    start = NOW()
    grammar.parse(text, diff_cache=True, path=path, cache=False)
    full = (NOW() - start) * 1000
    lines = text.split("\n")
    times = []
    for index in range(edits):
        line, column = sites[(index // 2) % len(sites)]
        if index % 2 == 0:
            lines[line] = lines[line][:column] + "1" + lines[line][column:]
        else:
            lines[line] = lines[line][:column] + lines[line][column + 1 :]
        code = "\n".join(lines)
        start = NOW()
        grammar.parse(code, diff_cache=True, path=path, cache=False)
        times.append((NOW() - start) * 1000)
    warm = times[4:] if len(times) > 8 else times
    return full, statistics.median(warm), percentile(warm, 0.95)


def many_open(files: list[Path]) -> float:
    """Peak RSS of fastapi-perf with every file open and analysed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
    client = Client(SERVERS["fastapi-perf"]["cmd"], files[0].parent, env)
    rid = client.request("initialize", {"processId": os.getpid(), "rootUri": files[0].parent.as_uri(), "capabilities": {}, "initializationOptions": {"debounce": 0}})
    client.wait(lambda m: m.get("id") == rid)
    client.notify("initialized", {})
    for path in files:
        uri = path.as_uri()
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": path.read_text()}})
        client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
    rss = peak_rss_mb(client.process.pid)
    client.close()
    return rss


def report(title: str, text: str, edits: int, syntax_errors: bool = False, indent: int = 4, pause: float = 0.02) -> None:
    sites = edit_sites(text.split("\n"), edits // 2 + 1, indent)
    variants = [("", text, sites)]
    if syntax_errors:
        variants.append((" (syntax error)", *broken_variant(text, sites, one_statement=indent > 4)))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "pyproject.toml").write_text("[project]\nname = 'bench'\ndependencies = ['fastapi']\n")
        for suffix, variant, variant_sites in variants:
            for name in SERVERS:
                if name == "ruff server" and not shutil.which("ruff"):
                    continue
                if suffix and name == "fastapi-perf base":
                    continue  # the base copy is measured on the valid file only
                results[name + suffix] = measure_server(name, variant, folder, edits, variant_sites, pause)
    ours = results["fastapi-perf"]
    full, parso_p50, parso_p95 = parso_times(text, ours["sites"], edits)
    lines = text.count("\n") + 1
    paused = f", each {pause:g} s after the previous one's diagnostics" if pause != 0.02 else ""
    print(f"\n## {title} ({lines:,} lines, {edits} edits{paused}, debounce 0)\n")
    print(f"{'server':<29} {'init ms':>8} {'open ms':>8} {'edit p50':>9} {'edit p95':>9} {'peak RSS MB':>12} {'findings':>9}")
    for name, r in results.items():
        print(f"{name:<29} {r['initialize_ms']:8.0f} {r['open_ms']:8.1f} {r['p50']:9.1f} {r['p95']:9.1f} {r['rss']:12.1f} {r['findings']:9d}")
    print(f"{'parso diff':<29} {'':>8} {full:8.1f} {parso_p50:9.1f} {parso_p95:9.1f}   (full parse / diff re-parse of the same edits)")
    for suffix, _, _ in variants:
        if "ruff server" + suffix in results:
            ratio = results["fastapi-perf" + suffix]["p95"] / results["ruff server" + suffix]["p95"]
            print(f"edit p95 fastapi-perf / ruff server{suffix}: {ratio:.2f}")
    if "fastapi-perf base" in results:
        base = results["fastapi-perf base"]
        print(f"fastapi-perf / base: edit p50 {ours['p50'] / base['p50']:.2f}, p95 {ours['p95'] / base['p95']:.2f}, open {ours['open_ms'] / base['open_ms']:.2f}")
    print(f"edit p95 fastapi-perf / parso diff re-parse p95: {ours['p95'] / parso_p95:.2f}")
    print(f"open fastapi-perf / full parso parse: {ours['open_ms'] / full:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--sizes", default="500,2000,10000")
    parser.add_argument("--file", type=Path, action="append", default=[], help="a real file to measure as well")
    parser.add_argument("--many", type=int, default=10, help="how many 10,000-line files to open at once for the RSS figure")
    parser.add_argument("--class-lines", type=int, default=0, help="also a module that is one class of this many lines")
    parser.add_argument("--syntax-errors", action="store_true", help="also each file with a syntax error in every edited function")
    parser.add_argument("--baseline", type=Path, help="another copy's server/ folder, measured on the valid files in the same run")
    parser.add_argument(
        "--pause",
        type=float,
        default=0.02,
        metavar="SECONDS",
        help="wait this long after each edit's diagnostics before the next edit (default 0.02: typing; 1: the idle collection's delay)",
    )
    args = parser.parse_args()
    if args.baseline:
        SERVERS["fastapi-perf base"] = {**SERVERS["fastapi-perf"], "path": args.baseline.resolve()}
    for size in [int(s) for s in args.sizes.split(",") if s]:
        report(f"Generated module, {size:,} lines", synth.module(size, seed=1), args.edits, args.syntax_errors, pause=args.pause)
    if args.class_lines:
        text = synth.class_module(args.class_lines, seed=1)
        report(f"Generated class, {args.class_lines:,} lines", text, args.edits, args.syntax_errors, indent=8, pause=args.pause)
    for path in args.file:
        report(f"{path.name}", path.read_text(encoding="utf-8"), args.edits, args.syntax_errors, pause=args.pause)
    if args.many:
        with tempfile.TemporaryDirectory() as tmp:
            files, _ = synth.project(Path(tmp), [(10000, args.many)])
            rss = many_open(files)
        print(f"\nPeak RSS with {args.many} files of 10,000 lines open: {rss:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

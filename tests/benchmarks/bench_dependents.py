#!/usr/bin/env python3
"""Edits to a module other files depend on: does each settle re-parse them?

    python tests/benchmarks/bench_dependents.py [--lines 10000] [--helpers 30] [--edits 20] [--pause 1.0] \\
        [--baseline OTHER/server]

A workspace (``pyproject.toml`` at its root) whose 10,000-line ``app/main.py``
imports a helper from each of ``--helpers`` files of 300 lines, and each helper
imports ``get_db`` from ``app.main`` back (an import cycle, as in a real
application's main module). ``app/main.py`` and the first helper are open;
after the index is built, one-character edits are made in ``app/main.py``,
each ``--pause`` seconds after the previous one's diagnostics, so the
document settles (0.3 s) between edits and the index is brought up to date.
With ``--in-caller`` the edits are in the route that calls every helper, so
each check of it asks the index about them (where a settle that dropped
their summaries made every edit parse them again from disk). It prints
edit p50/p95/max per server. It asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import synth  # noqa: E402
from bench_lsp import NOW, Client, edit_sites, percentile  # noqa: E402

HELPER = '''

from app.main import get_db


def helper_{n}(db, item_id: int):
    return db.query(dict).filter_by(id=item_id).first()
'''


def workspace(folder: Path, lines: int, helpers: int) -> tuple[Path, str, Path, str]:
    (folder / "pyproject.toml").write_text("[project]\nname = 'app'\ndependencies = ['fastapi']\n")
    app = folder / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    uses = "".join(f"from app.helpers_{n} import helper_{n}\n" for n in range(helpers))
    calls = "".join(f"    helper_{n}(db, item_id + {n + 1})\n" for n in range(helpers))
    main_text = synth.module(lines, seed=1) + "\n" + uses + (
        '\n\n@app.get("/helpers/{item_id}")\nasync def all_helpers(item_id: int, db: DbDep):\n' + calls + "    return item_id\n"
    )
    main = app / "main.py"
    main.write_text(main_text)
    first_text = ""
    for n in range(helpers):
        text = synth.module(300, seed=100 + n) + HELPER.format(n=n)
        (app / f"helpers_{n}.py").write_text(text)
        first_text = first_text or text
    return main, main_text, app / "helpers_0.py", first_text


def measure(server: Path, folder: Path, main: Path, main_text: str, helper: Path, helper_text: str, args) -> dict:
    env = {**os.environ, "PYTHONPATH": str(server)}
    client = Client([sys.executable, "-m", "fastapi_perf", "lsp"], folder, env)
    indexed = []

    received = client._received

    def note(stamp: float, body: bytes) -> None:
        if b'"$/progress"' in body and b'"end"' in body:
            indexed.append(stamp)
        received(stamp, body)

    client._received = note
    rid = client.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": folder.as_uri(),
            "workspaceFolders": [{"uri": folder.as_uri(), "name": "app"}],
            "capabilities": {"textDocument": {"publishDiagnostics": {"versionSupport": True}}, "window": {"workDoneProgress": True}},
            "initializationOptions": {"debounce": 0, "inference": False},
        },
    )
    client.wait(lambda m: m.get("id") == rid)
    client.notify("initialized", {})
    uri = main.as_uri()
    for path, text in ((helper, helper_text), (main, main_text)):
        client.notify("textDocument/didOpen", {"textDocument": {"uri": path.as_uri(), "languageId": "python", "version": 1, "text": text}})
    deadline = NOW() + 300
    while not indexed and NOW() < deadline:
        try:
            client.wait(lambda m: bool(indexed), timeout=1.0)
        except Exception:
            pass
    time.sleep(3.0)  # the checks after indexing
    lines = main_text.split("\n")
    sites = edit_sites(lines, args.edits // 2 + 1)
    if args.in_caller:  # the route that calls every helper: each of its checks asks the index about them
        start = lines.index("async def all_helpers(item_id: int, db: DbDep):")
        sites = [site for site in edit_sites(lines, len(lines)) if site[0] > start]
    latencies = []
    version = 1
    for index in range(args.edits):
        line, column = sites[(index // 2) % len(sites)]
        version += 1
        end = column if index % 2 == 0 else column + 1
        change = {"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": end}}, "text": "1" if index % 2 == 0 else ""}
        time.sleep(args.pause)
        sent = NOW()
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        target = version
        stamp, _ = client.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri and m["params"].get("version") == target
        )
        latencies.append((stamp - sent) * 1000)
    client.close()
    return {"indexed": bool(indexed), "p50": statistics.median(latencies), "p95": percentile(latencies, 0.95), "max": max(latencies)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--helpers", type=int, default=30)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--pause", type=float, default=1.0, metavar="SECONDS")
    parser.add_argument("--in-caller", action="store_true", help="edit the route that calls the helpers (else places spread over the file)")
    parser.add_argument("--baseline", type=Path, help="another copy's server/ folder, measured in the same run")
    args = parser.parse_args()
    servers = {"fastapi-perf": ROOT / "server"}
    if args.baseline:
        servers["fastapi-perf base"] = args.baseline.resolve()
    print(f"\n## {args.lines:,}-line main module, {args.helpers} helpers in an import cycle with it, {args.edits} edits, each {args.pause:g} s after the last diagnostics\n")
    print(f"{'server':<20} {'progress end':>12} {'edit p50':>9} {'edit p95':>9} {'edit max':>9}")
    for name, server in servers.items():
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            found = measure(server, folder, *workspace(folder, args.lines, args.helpers), args)
        print(f"{name:<20} {'yes' if found['indexed'] else 'NO':>12} {found['p50']:9.1f} {found['p95']:9.1f} {found['max']:9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A fastapi-perf server session for the robustness benchmarks (soak, typing, memory, time bounds).

Built on ``bench_lsp.Client`` (framing, a reader thread, answers to the
server's own requests) with what those benchmarks share: start the server
in a workspace with given settings, wait for the workspace index, open and
edit a document, wait for the diagnostics of one version, read the
server's RSS and CPU time from ``/proc``.
"""

from __future__ import annotations

import json
import os
import queue
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from bench_lsp import NOW, Client, percentile  # noqa: E402

__all__ = ["NOW", "Session", "percentile", "summary"]

# How ``lsp/diagnostics.py`` starts a publication it serialises itself.
_PUBLISH = b'{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":'
_URI_VERSION = re.compile(rb'("(?:[^"\\]|\\.)*"),"version":(-?\d+)')


class Session(Client):
    def __init__(self, folder: Path, options: dict, flags: tuple[str, ...] = ()) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
        super().__init__([sys.executable, "-m", "fastapi_perf", "lsp", *flags], folder, env)
        self.folder = folder
        self.indexed = False
        self.published: list[tuple[float, dict]] = []
        """(arrival, params) of every publishDiagnostics seen, in order, whatever a wait was looking for."""
        rid = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": folder.as_uri(),
                "workspaceFolders": [{"uri": folder.as_uri(), "name": folder.name}],
                "capabilities": {
                    "textDocument": {"publishDiagnostics": {"versionSupport": True}},
                    "window": {"workDoneProgress": True},
                    "general": {"positionEncodings": ["utf-16"]},
                },
                "initializationOptions": options,
            },
        )
        self.wait(lambda m: m.get("id") == rid)
        self.notify("initialized", {})

    def _received(self, stamp: float, body: bytes) -> None:
        """A publication is not parsed: only its uri and version are read.

        Diagnostics of a 10,000-line module are about 600 KB of JSON; a Python
        client parsing each of 30 a second falls behind, the pipe fills, and
        the server then waits on its writes — a backlog of the client's making.
        """
        if body.startswith(_PUBLISH):
            found = _URI_VERSION.match(body, len(_PUBLISH))
            if found is not None:
                params = {"uri": json.loads(found.group(1)), "version": int(found.group(2)), "size": len(body)}
                self.messages.put((stamp, {"method": "textDocument/publishDiagnostics", "params": params}))
                return
        self.messages.put((stamp, json.loads(body)))

    def wait(self, predicate, timeout: float = 120.0) -> tuple[float, dict]:
        """The first message ``predicate`` takes; publications and progress are recorded on the way."""
        deadline = NOW() + timeout
        while True:
            stamp, message = self.messages.get(timeout=max(0.01, deadline - NOW()))
            if "method" in message and "id" in message:  # a request from the server: answer it
                items = (message.get("params") or {}).get("items", [])
                result = [None] * len(items) if message["method"] == "workspace/configuration" else None
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
                continue
            method = message.get("method")
            if method == "textDocument/publishDiagnostics":
                self.published.append((stamp, message["params"]))
            elif method == "$/progress" and (message["params"].get("value") or {}).get("kind") == "end":
                self.indexed = True
            if predicate(message):
                return stamp, message

    def wait_indexed(self, timeout: float = 120.0) -> None:
        if not self.indexed:
            self.wait(lambda m: self.indexed, timeout)

    def open(self, path: Path, text: str, version: int = 1) -> str:
        uri = path.as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}})
        return uri

    def change(self, uri: str, version: int, line: int, column: int, end: tuple[int, int] | None, text: str) -> float:
        """Send one incremental change; return when it was sent."""
        end_line, end_column = end or (line, column)
        change = {"range": {"start": {"line": line, "character": column}, "end": {"line": end_line, "character": end_column}}, "text": text}
        sent = NOW()
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        return sent

    def close_document(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def diagnostics(self, uri: str, version: int, timeout: float = 120.0) -> tuple[float, dict]:
        """(arrival time, params) of the diagnostics published for exactly ``version`` (perhaps seen already)."""
        for stamp, params in self.published:
            if params["uri"] == uri and params.get("version") == version:
                return stamp, params
        stamp, message = self.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version") == version,
            timeout,
        )
        return stamp, message["params"]

    def drain(self) -> list[tuple[float, dict]]:
        """Every message received so far and not read yet (answering the server's requests)."""
        found = []
        while True:
            try:
                found.append(self.wait(lambda m: True, timeout=0.001))
            except queue.Empty:
                return found

    def document_text(self, uri: str) -> tuple[float, dict]:
        rid = self.request("fastapi-perf/documentText", {"textDocument": {"uri": uri}})
        return self.wait(lambda m: m.get("id") == rid)

    def rss_mb(self) -> float:
        return _status(self.process.pid, "VmRSS:") / 1024

    def peak_rss_mb(self) -> float:
        return _status(self.process.pid, "VmHWM:") / 1024

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _status(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key):
            return float(line.split()[1])
    return float("nan")


def summary(values_ms: list[float]) -> str:
    if not values_ms:
        return "n/a"
    ordered = sorted(values_ms)
    return f"p50 {percentile(ordered, 0.5):7.1f} ms  p95 {percentile(ordered, 0.95):7.1f} ms  max {ordered[-1]:7.1f} ms  (n={len(ordered)})"

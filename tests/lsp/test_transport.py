"""The server's entry points: ``--stdio`` (VS Code adds it) and ``--tcp`` for debugging."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

from .conftest import ENV


def _message(payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def _read(stream) -> dict:
    headers = {}
    while True:
        line = stream.readline()
        assert line, "the server closed the connection"
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    return json.loads(stream.read(int(headers["content-length"])))


INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}}


def test_stdio_flag_is_accepted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "fastapi_perf", "lsp", "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=ENV
    )
    try:
        process.stdin.write(_message(INITIALIZE))
        process.stdin.flush()
        reply = _read(process.stdout)
        assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "fastapi-perf"
    finally:
        process.kill()
        process.wait()


def test_tcp_transport() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "fastapi_perf", "lsp", "--tcp", f"127.0.0.1:{port}"], env=ENV)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server never listened"
                time.sleep(0.1)
        with connection:
            connection.sendall(_message(INITIALIZE))
            reply = _read(connection.makefile("rb"))
        capabilities = reply["result"]["capabilities"]
        assert capabilities["textDocumentSync"]["change"] == 2  # incremental
        assert capabilities["codeActionProvider"]["resolveProvider"] is True
    finally:
        process.kill()
        process.wait()

"""A minimal in-process ASGI client for the rule micro-benchmarks.

It times a request up to the last byte of its response body, which is
what a client waits for: background tasks run after that, and a server
in front adds nothing the rules change. No HTTP server, no sockets.
"""

from __future__ import annotations

import asyncio
import time


async def request(app, method: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, float]:
    """(status, seconds until the response body was sent).

    An exception before the response started is a 500; one after it (a
    background task failing) leaves the status the client already had.
    """
    path, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }
    delivered = False

    async def receive():
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)

    status, done = 500, None
    start = time.perf_counter()

    async def send(message):
        nonlocal status, done
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body" and not message.get("more_body"):
            done = time.perf_counter()

    try:
        await app(scope, receive, send)
    except Exception:
        pass  # ``status`` is the one sent, or still 500
    return status, (done or time.perf_counter()) - start

"""The slow path of a statement ``ast`` rejects never holds up the event loop.

A syntax error in the body of a 4,000-line class (not in a method: parso
then parses the whole class, about ten times ``ast``'s time) is parsed in a
worker thread: a request sent right after the edit is answered before the
diagnostics of that edit are published.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest_lsp
from lsprotocol import types

from .harness import RecordingClient, change, close, config, initialize, open_text


@pytest_lsp.fixture(config=config())
async def client(lsp_client: RecordingClient, tmp_path: Path):
    await initialize(lsp_client, "visual_studio_code", tmp_path)
    yield lsp_client
    await lsp_client.close_session()


async def test_a_request_is_answered_while_a_statement_is_recovered(client: RecordingClient) -> None:
    methods = "".join(f"    async def m{i}(self, x):\n        y = x + {i}\n        return y * 2\n\n" for i in range(1000))
    text = "import time\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\nclass Service:\n    limit = 1\n" + methods
    uri = open_text(client, text, "big.py")
    await client.diagnostics_of(uri, 1)
    at = types.Position(7, len("    limit = 1"))
    change(client, uri, 2, [(at, at, " + (")])  # ``limit = 1 + (``: the class no longer parses
    answered = asyncio.ensure_future(client.document_text(uri))
    found = await client.diagnostics_of(uri, 2, timeout=60)
    assert answered.done(), "the request waited for the slow parse"
    assert (await answered)["version"] == 2
    syntax = [d for d in found if d.code == "FAP000"]
    assert len(syntax) == 1 and syntax[0].range.start.line == 7
    close(client, uri)

"""jedi's answers arrive as a second update, for receivers the import table cannot type."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from .session import diagnostics, open_document, published

# The import table cannot type ``again``: it comes out of a lambda.
# (A standard-library type, so that jedi can see it wherever the tests run.)
APP = """import asyncio
import sqlite3

from fastapi import FastAPI

app = FastAPI()


@app.post("/count")
async def count(table: str):
    conn, reopen = sqlite3.connect("app.db"), lambda: sqlite3.connect("app.db")
    again = reopen()
    await asyncio.sleep(0)
    return again.execute("SELECT name FROM items LIMIT 10").fetchone()
"""


async def test_jedi_types_a_value_the_resolver_cannot(vscode) -> None:
    uri = open_document(vscode, APP)
    first = await diagnostics(vscode, uri, 1)
    assert {d.range.start.line for d in first if d.code == "FAP107"} == {10}, "sqlite3.connect is known cheaply"
    found = await published(vscode, uri, lambda found: any(d.range.start.line == 13 and d.code == "FAP107" for d in found), limit=40)
    (finding,) = [d for d in found if d.range.start.line == 13 and d.code == "FAP107"]
    assert finding.code == "FAP107" and "Connection.execute" in finding.message


async def test_inference_can_be_turned_off(vscode) -> None:
    vscode.set_configuration({"inference": False, "debounce": 0}, section="fastapi-perf")
    vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    uri = open_document(vscode, APP)
    await diagnostics(vscode, uri, 1)
    await asyncio.sleep(3)  # the time jedi would need; nothing may arrive
    hover = await vscode.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(13, 13))
    )
    assert hover is None, "with inference off, nothing may be reported on line 14"

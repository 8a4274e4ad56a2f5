"""Ranges in the position encoding each client negotiated, on lines with emoji and CJK."""

from __future__ import annotations

from lsprotocol import types

from .session import change, diagnostics, encoding, open_document

TEXT = """import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root():
    label = "😀漢字"; time.sleep(1)
    await label
"""


def units(text: str, unit: str) -> int:
    return {"utf-16": len(text.encode("utf-16-le")) // 2, "utf-8": len(text.encode()), "utf-32": len(text)}[unit]


async def test_ranges_use_the_negotiated_encoding(client) -> None:
    uri = open_document(client, TEXT)
    (sleep,) = await diagnostics(client, uri, 1)
    line = TEXT.splitlines()[9]
    unit = encoding(client)
    assert sleep.range.start == types.Position(9, units(line[: line.index("time.sleep")], unit))
    assert sleep.range.end == types.Position(9, units(line[: line.index("(1)") + 3], unit))


async def test_edits_after_wide_characters_land_in_the_right_place(client) -> None:
    uri = open_document(client, TEXT)
    await diagnostics(client, uri, 1)
    line = TEXT.splitlines()[9]
    unit = encoding(client)
    at = units(line[: line.index("time")], unit)
    change(client, uri, 2, (9, at), (9, at + 4), "tame")  # time.sleep -> tame.sleep: no longer blocking
    assert await diagnostics(client, uri, 2) == []
    change(client, uri, 3, (9, at), (9, at + 4), "time")
    (again,) = await diagnostics(client, uri, 3)
    assert again.range.start.character == at


async def test_syntax_errors_while_typing(client) -> None:
    uri = open_document(client, TEXT)
    await diagnostics(client, uri, 1)
    extra = "\n\n@app.get('/b')\nasync def b():\n    time.sleep(2)\n"
    change(client, uri, 2, (11, 0), (11, 0), extra)
    assert {d.code for d in await diagnostics(client, uri, 2)} == {"FAP103", "FAP201"}
    typed = ""
    version = 2
    for ch in "return {":
        version += 1
        change(client, uri, version, (10, 15 + len(typed)), (10, 15 + len(typed)), ch)
        typed += ch
    found = await diagnostics(client, uri, version)
    # FAP000 is off in the editor by default (test_settings.py turns it on): the Python
    # language server reports syntax errors already.
    assert {d.code for d in found} == {"FAP103", "FAP201"}
    assert any(d.code == "FAP103" and d.range.start.line == 9 for d in found), "the broken function keeps its findings"
    assert any(d.code == "FAP103" and d.range.start.line == 15 for d in found), "the next function is still analysed"

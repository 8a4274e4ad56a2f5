"""Typing through a function keeps the findings of its other lines (parso's error recovery).

A route, and then a method of a 1,000-line class, are typed one character
at a time into the middle of a module. At every keystroke after its line
is typed, the blocking call above the cursor is reported at its exact
range, unless parso's recovered tree of the statement being typed puts
that line in an error node (the only lines whose facts are unknown).
"""

from __future__ import annotations

from pathlib import Path

import parso
import pytest
import pytest_lsp
from lsprotocol import types

from .harness import RecordingClient, change, close, config, initialize, open_text, position_of

HEAD = '''import time

from fastapi import FastAPI, HTTPException

app = FastAPI()


@app.get("/health")
async def health():
    return {"ok": True}


'''
TAIL = '''

@app.get("/version")
async def version():
    return {"version": 1}
'''
ROUTE = '''@app.get("/items/{item_id}")
async def read_item(item_id: int, q: str | None = None):
    time.sleep(0.1)
    row = {"id": item_id, "q": q}
    if q is not None:
        row["q"] = q.strip()
    for key in list(row):
        row[key] = str(row[key])
    if not row:
        raise HTTPException(status_code=404)
    return row
'''
METHOD = '''    async def typed(self, item_id: int):
        time.sleep(0.1)
        row = {"id": item_id, "name": self.name}
        if item_id > 3:
            row["big"] = [str(x) for x in range(item_id)]
        return row

'''
CALL = "time.sleep(0.1)"


def error_lines(text: str) -> set[int]:
    """Lines (0-based, relative to ``text``) that parso's recovered tree puts in an error node or leaf."""
    lines: set[int] = set()
    stack = [parso.load_grammar().parse(text, error_recovery=True)]
    while stack:
        node = stack.pop()
        if node.type in ("error_node", "error_leaf"):
            end = node.end_pos[0] - (1 if node.end_pos[1] == 0 and node.end_pos[0] > node.start_pos[0] else 0)
            lines.update(range(node.start_pos[0] - 1, end))
        stack.extend(getattr(node, "children", ()))
    return lines


@pytest_lsp.fixture(config=config())
async def client(lsp_client: RecordingClient, tmp_path: Path):
    await initialize(lsp_client, "visual_studio_code", tmp_path, {"debounce": 0, "inference": False})
    yield lsp_client
    await lsp_client.close_session()


async def type_through(client: RecordingClient, before: str, typed: str, after: str, indent: str = "") -> tuple[int, int]:
    """Type ``typed`` between ``before`` and ``after``; return (keystrokes checked, keystrokes exempt)."""
    uri = open_text(client, before + after, "typing.py")
    assert await client.diagnostics_of(uri, 1) is not None
    call_line = before.count("\n") + typed[: typed.index(CALL)].count("\n")
    call_column = typed.splitlines()[typed[: typed.index(CALL)].count("\n")].index(CALL)
    checked = exempt = 0
    for index, ch in enumerate(typed):
        text = before + typed[:index] + after
        at = position_of(text, len(before) + index, "utf-16")
        change(client, uri, index + 2, [(at, at, ch)])
        found = await client.diagnostics_of(uri, index + 2)
        so_far = typed[: index + 1]
        if so_far.count("\n") <= typed[: typed.index(CALL)].count("\n"):
            continue  # the call's line is not typed yet
        # The statement being typed, as parso sees it (a method on its own: its error nodes are the same).
        errors = error_lines(so_far if not indent else "class _:\n" + so_far)
        line_in_statement = typed[: typed.index(CALL)].count("\n") + (1 if indent else 0)
        sleeps = [d for d in found if d.code == "FAP103"]
        if line_in_statement in errors:
            exempt += 1
            continue
        checked += 1
        expected = types.Range(types.Position(call_line, call_column), types.Position(call_line, call_column + len(CALL)))
        assert [d.range for d in sleeps] == [expected], f"after typing {so_far!r}"
    close(client, uri)
    return checked, exempt


@pytest.mark.timeout(600)
async def test_a_route_typed_character_by_character(client: RecordingClient) -> None:
    checked, exempt = await type_through(client, HEAD, ROUTE, TAIL)
    assert checked > len(ROUTE) // 2 and exempt == 0, (checked, exempt)


@pytest.mark.timeout(900)
async def test_a_method_typed_into_a_1000_line_class(client: RecordingClient) -> None:
    methods = [f"    def m{i}(self, x):\n        y = x + {i}\n        return y * 2\n\n" for i in range(250)]
    before = HEAD + "class Service:\n    name = 'service'\n\n" + "".join(methods[:125])
    after = "".join(methods[125:]) + TAIL
    assert (before + after).count("\n") > 1000
    checked, exempt = await type_through(client, before, METHOD, after, indent="    ")
    assert checked > len(METHOD) // 2 and exempt == 0, (checked, exempt)

"""A statement with a syntax error keeps the facts of everything but its broken lines."""

from __future__ import annotations

import pytest
from fastapi_perf.analysis.source.chunks import parse_chunk_text
from fastapi_perf.analysis.source.document import Document
from fastapi_perf.analysis.source.recovery import WINDOW_LINES
from helpers import findings_of

HEAD = "import time\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"


def blocking_lines(text: str) -> list[int]:
    return [f.range.start.line - HEAD.count("\n") for f in findings_of(HEAD + text) if f.code == "FAP103"]


@pytest.mark.parametrize(
    ("body", "kept", "unknown"),
    [
        # An unclosed bracket runs on (parso's tokenizer) until a line starts with a keyword that
        # cannot be inside brackets.
        ("    time.sleep(1)\n    x = compute(\n    time.sleep(2)\n    return x\n", [1], [(2, 3)]),
        ("    time.sleep(1)\n    x = compute(\n    return time.sleep(2)\n", [1, 3], [(2, 2)]),
        # A block's header typed up to its colon: the colon is supplied, the body is kept.
        ("    time.sleep(1)\n    if x\n        time.sleep(2)\n    return 3\n", [1, 3], []),
        ("    try:\n        time.sleep(1)\n    except E\n        time.sleep(2)\n    finally:\n        pass\n", [2, 4], []),
        # An unterminated string: its line.
        ('    time.sleep(1)\n    x = "abc\n    time.sleep(2)\n', [1, 3], [(2, 2)]),
        # Indented under nothing, or unlike its suite.
        ("    time.sleep(1)\n      y = 3\n    time.sleep(2)\n", [1, 3], [(2, 2)]),
        ("    time.sleep(1)\n  y = 3\n    time.sleep(2)\n", [1, 3], [(2, 2)]),
        # A nested definition whose header is broken: with its body, which belongs to no function we know.
        ("    time.sleep(1)\n    def helper(a\n        time.sleep(2)\n    return 3\n", [1], [(2, 3)]),
        # A block left empty.
        ("    time.sleep(1)\n    for item in items:\n", [1], [(2, 2)]),
    ],
)
def test_only_the_broken_lines_are_unknown(body: str, kept: list[int], unknown: list[tuple[int, int]]) -> None:
    text = "async def route():\n" + body
    chunk = parse_chunk_text(text, 0)
    assert chunk.syntax is not None and chunk.facts is not None
    assert list(chunk.unknown) == unknown
    assert blocking_lines(text) == kept


def test_a_broken_top_level_header_leaves_the_statement_without_facts() -> None:
    chunk = parse_chunk_text("async def route(\n    time.sleep(1)\n", 0)
    assert chunk.syntax is not None and chunk.facts is None


def test_an_error_past_the_end_of_parsos_lines_is_still_a_syntax_error() -> None:
    """``ast`` and parso count a string's ``\\r\\n`` lines differently (found by hypothesis)."""
    chunk = parse_chunk_text("'''\r\n'''\\x", 0)
    assert chunk.syntax is not None


def test_a_long_class_is_searched_one_member_at_a_time() -> None:
    methods = [f"    async def m{i}(self):\n        time.sleep({i})\n        return {i}\n\n" for i in range(WINDOW_LINES)]
    broken = methods[:]
    broken[100] = broken[100].replace("return 100", "return compute(")
    text = "class Service:\n" + "".join(broken)
    chunk = parse_chunk_text(text, 0)
    assert chunk.syntax is not None and chunk.syntax.range.start.line == 403
    assert list(chunk.unknown) == [(403, 403)]
    assert len(chunk.facts.functions) == WINDOW_LINES
    # The same blanking as a parse of the whole class would find.
    assert blocking_lines(text) == [4 * i + 2 for i in range(WINDOW_LINES)]


def test_an_open_document_can_leave_the_slow_path_to_its_caller() -> None:
    from fastapi_perf.analysis.source.chunks import slow_parse

    doc = Document("import time\n\n\nasync def f():\n    time.sleep(1)\n    x = (\n", recover=False)
    (pending,) = doc.pending()
    assert pending.facts is None and pending.syntax is None
    assert doc.complete(pending, slow_parse(pending.text, pending.pending))
    (done,) = [c for c in doc.chunks if c.text == pending.text]
    assert done is not pending and done.pending is None and done.syntax is not None
    assert [fn.name for fn in done.facts.functions] == ["f"]
    assert not doc.pending()


FIXABLE = '''import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/a")
async def a():
    time.sleep(1)
    return {"a": 1}


@app.get("/b")
async def b():
    time.sleep(2)
    rows = fetch(
    return rows
'''


def test_fixes_apply_beside_a_syntax_error_and_leave_the_rest_as_it_was() -> None:
    from fastapi_perf.checker.fixing import apply_edits, choose
    from helpers import fix_all

    before = findings_of(FIXABLE)
    assert {(f.code, f.range.start.line) for f in before} >= {("FAP103", 9), ("FAP103", 15), ("FAP000", 16)}
    edits, fixed_findings = choose(before, unsafe=False)
    assert {f.range.start.line for f in fixed_findings} == {9, 15}  # the broken function's call too
    fixed, applied, remaining = fix_all(FIXABLE, unsafe=False)
    assert applied == 2
    assert fixed == apply_edits(FIXABLE, edits)  # nothing changed outside the fixes' edits
    assert "    time.sleep" not in fixed and "await asyncio.sleep(2)" in fixed
    assert "    rows = fetch(\n    return rows\n" in fixed
    assert [f.code for f in remaining if f.code == "FAP000"] == ["FAP000"]


def test_the_parso_grammar_is_the_one_jedi_holds() -> None:
    import jedi
    from fastapi_perf.analysis.source.recovery import grammar

    assert jedi.Script("x = 1\n")._inference_state.grammar is grammar()

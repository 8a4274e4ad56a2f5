"""The incremental document on the core, without the protocol: many more random edits.

After every edit the document's text is the model's; after a refresh its
statements are split exactly as a fresh document splits the same text
(same offsets, lines and statement texts), each statement's tree (or syntax
error) is the one a fresh document parses, and when the whole text is valid
Python the trees together are the one ``ast.parse`` gives for the whole
file. Every line reads back as the LSP splits it, and offsets and positions
convert both ways. The findings of the incremental analysis equal a fresh
whole-file analysis.

A document that is never analysed (a file over ``max-file-size``) is never
split into statements: its positions are found by counting lines in one
large region, which a separate test edits at random, with CR, LF and CRLF.

The alphabet is meant to hurt: CRLF, lone CR, form feeds, ``\\u2028`` and
``\\u0085`` (line breaks for ``str.splitlines``, not for the LSP), tabs, a
byte-order mark, unterminated strings and brackets, backslash
continuations, decorators without a function, emoji, CJK and combining
marks.
"""

from __future__ import annotations

import ast
import copy
import os
import re
import warnings

import pytest
from fastapi_perf.analysis.engine.incremental import IncrementalAnalysis
from fastapi_perf.analysis.findings import Position
from fastapi_perf.analysis.options import AnalysisOptions
from fastapi_perf.analysis.source.document import Document
from fastapi_perf.analysis.source.positions import position_at
from helpers import ALL_ENGINE, findings_of
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from .edits import BASES, EDIT, apply, clamp_to_breaks, locate
from .harness import lsp_lines

# ROBUSTNESS_SCALE=10 for a longer run (the soak benchmark sets it too).
SCALE = float(os.environ.get("ROBUSTNESS_SCALE", "1"))
pytestmark = pytest.mark.timeout(int(180 * max(SCALE, 1)))
CORE_BASES = BASES + [
    "\ufeff" + BASES[0],
    "\ufeff@app.get('/')\nasync def f():\n    time.sleep(1)\n",
    "import time\r" + BASES[0].replace("\n", "\r"),
    "x = (\n\n\ndef f(:\n    '''\n    unterminated\n" + BASES[0],
    "@decorator_without_function\n\n\n# comment\n\\\n" + BASES[0],
]


def fresh_findings(text: str) -> list[tuple]:
    findings = findings_of(text, module="__main__")
    bom = text.startswith("\ufeff")

    def shifted(position: Position) -> tuple[int, int]:
        # The whole-file analysis drops a leading byte-order mark (as the CLI
        # reports columns); an open document keeps it, as the editor does.
        return position.line, position.column + (1 if bom and position.line == 0 else 0)

    return [(f.code, shifted(f.range.start), shifted(f.range.end), f.message, related(f, shifted)) for f in findings]


def related(finding, shifted=lambda p: (p.line, p.column)) -> tuple:
    """The related locations in this file (message, start, end): they point into other statements."""
    return tuple((r.message, shifted(r.range.start), shifted(r.range.end)) for r in finding.related if r.path is None)


def incremental_findings(analysis: IncrementalAnalysis) -> list[tuple]:
    result = analysis.run()
    assert not result.errors, result.errors
    return [
        (f.code, (f.range.start.line, f.range.start.column), (f.range.end.line, f.range.end.column), f.message, related(f))
        for f in result.findings
    ]


def layout(doc: Document) -> list[tuple]:
    doc.refresh()
    return [(p.start, p.end, p.line, p.breaks, doc.text[p.start : p.end]) for p in doc.pieces]


def trees(doc: Document) -> list[tuple]:
    """Each statement's origin, text and tree (with positions), or its syntax error."""
    found = []
    for chunk in doc.chunks:
        tree = [ast.dump(node, include_attributes=True) for node in chunk.statements]
        found.append((chunk.origin, chunk.text, chunk.bom, tree, chunk.syntax))
    return found


def whole_file_tree(doc: Document, text: str) -> None:
    """If ``text`` is valid Python, the statements' trees, moved to their lines, are ``ast.parse``'s."""
    source = text[1:] if text.startswith("\ufeff") else text
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "invalid decimal literal" and the like, as chunks.py does
            whole = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    moved = []
    for chunk in doc.chunks:
        for node in chunk.statements:
            node = ast.increment_lineno(copy.deepcopy(node), chunk.origin)
            moved.append(ast.dump(node, include_attributes=True))
    assert moved == [ast.dump(node, include_attributes=True) for node in whole.body]


def check_document(doc: Document, text: str) -> None:
    assert doc.text == text
    fresh = Document(text)
    assert layout(doc) == layout(fresh), "incremental re-split differs from a fresh split"
    assert trees(doc) == trees(fresh), "a statement's tree differs from a fresh parse"
    whole_file_tree(doc, text)
    lines = lsp_lines(text)
    assert doc.line_count == len(lines)
    for number, line in enumerate(lines):
        assert doc.line_text(number) == line, number
    for offset in range(0, len(text) + 1, max(1, len(text) // 40)):
        if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
            continue
        line, column = position_at(text, offset)
        assert doc.offset(Position(line, column)) == offset


@settings(max_examples=int(600 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(CORE_BASES), st.lists(EDIT, min_size=1, max_size=25), st.integers(1, 4))
# Deleting the whole statement after a complete one left an empty statement behind (found by this test).
@example("\ufeff@app.get('/')\nasync def f():\n    time.sleep(1)\n", [(1.0, 0, "def g(x):\n    "), (0.875, 7, "def "), (0.8125, 11, "")], 1)
# A backslash-newline inside a string that an edit opened ran past the re-split region (found by the soak).
@example(BASES[3], [(0.0, 0, '"\\\n'), (0.0, 0, "f'")], 1)
def test_random_edits_split_like_a_fresh_document(base: str, edits, check_every: int) -> None:
    doc = Document(base)
    text = base
    check_document(doc, text)
    for index, (where, length, new) in enumerate(edits):
        start, end = locate(text, where, length)
        doc.apply_change(Position(*position_at(text, start)), Position(*position_at(text, end)), new)
        text = apply(text, start, end, new)
        assert doc.text == text
        if index % check_every == 0:
            check_document(doc, text)
    check_document(doc, text)


@settings(max_examples=int(300 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(CORE_BASES), st.lists(st.tuples(EDIT, st.booleans()), min_size=1, max_size=20))
def test_random_edits_find_what_a_fresh_analysis_finds(base: str, edits) -> None:
    doc = Document(base)
    analysis = IncrementalAnalysis(doc, ALL_ENGINE, AnalysisOptions())
    text = base
    assert incremental_findings(analysis) == fresh_findings(text)
    for (where, length, new), analyse_now in edits:
        start, end = locate(text, where, length)
        doc.apply_change(Position(*position_at(text, start)), Position(*position_at(text, end)), new)
        text = apply(text, start, end, new)
        if analyse_now:
            assert incremental_findings(analysis) == fresh_findings(text)
    assert incremental_findings(analysis) == fresh_findings(text)


def test_a_related_location_follows_an_edit_that_leaves_the_helper_alike() -> None:
    """A route's finding points at the blocking call inside its helper; the helper moves it (found by the soak)."""
    base = BASES[0]
    doc = Document(base)
    analysis = IncrementalAnalysis(doc, ALL_ENGINE, AnalysisOptions())
    assert incremental_findings(analysis) == fresh_findings(base)
    line = base.split("\n").index("    time.sleep(0.1)")
    for start, end, new in [((line, 15), (line, 16), ""), ((line, 0), (line, 0), "    x = 1\n")]:
        doc.apply_change(Position(*start), Position(*end), new)
        assert any(f[4] for f in fresh_findings(doc.text)), "the route's finding has a related location"
        assert incremental_findings(analysis) == fresh_findings(doc.text)


@settings(max_examples=int(300 * SCALE), deadline=None)
@given(st.lists(st.sampled_from(list("x( )[]{}'\"\\#:@\n\r\t\f\u2028\ufeff😀é") + ["\r\n", "def ", "'''"]), max_size=60).map("".join))
def test_any_text_splits_and_parses_without_raising(text: str) -> None:
    """Arbitrary short texts (mostly garbage): splitting and parsing never raise and cover the text."""
    doc = Document(text)
    pieces = layout(doc)
    assert "".join(p[4] for p in pieces) == text
    analysis = IncrementalAnalysis(doc, ALL_ENGINE, AnalysisOptions())
    analysis.run()


def large_text(lines: int, breaks: str) -> str:
    body = [f"value_{i} = '{'é' * (i % 7)}{'😀' * (i % 3)}'  # {i}" for i in range(lines)]
    cycle = {"lf": ["\n"], "crlf": ["\r\n"], "mixed": ["\n", "\r\n", "\r", "\n"]}[breaks]
    return "".join(line + cycle[i % len(cycle)] for i, line in enumerate(body))


LARGE = {breaks: large_text(3000, breaks) for breaks in ("lf", "crlf", "mixed")}


# An edit at a line start just looked up (where the document remembers its place), or anywhere.
NEAR = st.tuples(st.integers(-2, 1), st.integers(0, 2), st.sampled_from(["", "\n", "\r", "\r\n", "x", "\n\n"]))


@settings(max_examples=int(60 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.sampled_from(sorted(LARGE)),
    st.lists(
        st.tuples(st.one_of(EDIT.map(lambda e: ("anywhere", e)), NEAR.map(lambda e: ("near", e))), st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=3)),
        min_size=1,
        max_size=30,
    ),
)
def test_random_edits_in_a_large_unsplit_document(breaks: str, steps) -> None:
    """Never refreshed: every position is found inside one large region (counted in blocks, from a remembered line)."""
    text = LARGE[breaks]
    doc = Document(text)
    last_probe = last_number = 0
    for (kind, edit), probes in steps:
        if kind == "near":
            shift, length, new = edit
            start, end = clamp_to_breaks(text, max(0, min(last_probe + shift, len(text))), min(last_probe + shift + length, len(text)))
            start = max(start, 0)
        else:
            start, end = locate(text, *edit[:2])
            new = edit[2]
        doc.apply_change(Position(*position_at(text, start)), Position(*position_at(text, end)), new)
        text = apply(text, start, end, new)
        assert doc.text == text
        lines = lsp_lines(text)
        starts = line_starts(text)
        assert doc.line_count == len(lines) == len(starts)
        # The lines around the one looked up last, then new ones (the last of which is remembered).
        numbers = [last_number - 1, last_number, last_number + 1]
        numbers += [int(probe * len(lines)) for probe in probes]
        for number in numbers:
            number = max(0, min(number, len(lines) - 1))
            assert doc.line_text(number) == lines[number]
            assert doc.offset(Position(number, 3)) == starts[number] + min(3, len(lines[number]))
            last_probe, last_number = starts[number], number
    assert all(piece.chunk is None for piece in doc.pieces), "the document was never split"


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

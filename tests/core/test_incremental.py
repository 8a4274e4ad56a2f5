"""Incremental re-parsing and re-checking give what a fresh analysis gives, for less work."""

from __future__ import annotations

import random

from fastapi_perf.analysis.engine.incremental import IncrementalAnalysis
from fastapi_perf.analysis.findings import Position
from fastapi_perf.analysis.options import AnalysisOptions
from fastapi_perf.analysis.source.document import Document
from helpers import ALL_ENGINE, findings_of
from hypothesis import given, settings
from hypothesis import strategies as st

BASE = '''import time
import requests
from fastapi import Depends, FastAPI

app = FastAPI()


def helper():
    return 1


@app.get("/a")
async def a():
    helper()
    return {}


@app.get("/b")
async def b():
    time.sleep(1)
    return {"b": "é😀"}


CONSTANT = """
def not_code():
    pass
"""


@app.get("/c")
async def c(db=Depends(helper)):
    return requests.get("x")
'''


def fresh(text: str):
    return [(f.code, f.range, f.message) for f in findings_of(text, module="__main__")]


def incremental_findings(analysis: IncrementalAnalysis):
    return [(f.code, f.range, f.message) for f in analysis.run().findings]


def position_of(text: str, offset: int) -> Position:
    before = text[:offset]
    line = before.count("\n")
    return Position(line, offset - (before.rfind("\n") + 1))


def test_document_text_and_lines_follow_edits() -> None:
    doc = Document(BASE)
    doc.apply_change(Position(8, 0), Position(8, 0), "    x = 1\n")
    assert doc.text == BASE.replace("def helper():\n", "def helper():\n    x = 1\n")
    assert doc.line_text(9) == "    return 1"
    assert doc.line_text(21).endswith('"é😀"}')
    assert doc.offset(Position(21, 1000)) == doc.text.index('"é😀"}') + len('"é😀"}')
    doc.refresh()
    again = Document(doc.text)
    again.refresh()
    assert [(p.start, p.end, p.line, p.breaks) for p in doc.pieces] == [(p.start, p.end, p.line, p.breaks) for p in again.pieces]


def test_an_edit_inside_one_function_reparses_and_rechecks_only_it() -> None:
    doc = Document(BASE)
    analysis = IncrementalAnalysis(doc, ALL_ENGINE, AnalysisOptions())
    first = analysis.run()
    assert first.rerun == len(doc.pieces)
    parsed = doc.reparsed
    line = BASE.splitlines().index("    time.sleep(1)")
    doc.apply_change(Position(line, 4), Position(line, 4), "x = 2; ")
    second = analysis.run()
    assert doc.reparsed == parsed + 1
    assert second.rerun == 1
    assert [(f.code, f.range) for f in second.findings] == [(f.code, f.range) for f in findings_of(doc.text, module="__main__")]


def test_changing_a_helper_rechecks_its_callers_only() -> None:
    doc = Document(BASE)
    analysis = IncrementalAnalysis(doc, ALL_ENGINE, AnalysisOptions())
    analysis.run()
    line = BASE.splitlines().index("    return 1")
    doc.apply_change(Position(line, 4), Position(line, 12), "time.sleep(2)")
    second = analysis.run()
    assert second.rerun == 3  # helper itself, route `a` that calls it, route `c` that depends on it
    codes = {(f.code, f.range.start.line) for f in second.findings}
    assert ("FAP103", BASE.splitlines().index("    helper()")) in codes


def test_an_import_change_reaches_every_reader() -> None:
    doc = Document(BASE)
    analysis = IncrementalAnalysis(doc, ALL_ENGINE, AnalysisOptions())
    analysis.run()
    doc.apply_change(Position(0, 0), Position(0, 11), "import asyncio as time")
    result = analysis.run()
    assert "FAP103" not in {f.code for f in result.findings}
    assert incremental_findings(analysis) == fresh(doc.text)


CLASSES = '''import time
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Store:
    def __init__(self):
        self.items = {}

    def fetch(self, key):
        value = self.items.get(key)
        return value


class Item(BaseModel):
    name: str


store = Store()


@app.get("/items/{key}")
async def read(key: str):
    return store.fetch(key)


@app.post("/items")
async def create(items: list[Item]):
    return items
'''


def test_an_edit_inside_a_method_rechecks_only_its_class_until_the_method_changes_shape() -> None:
    doc = Document(CLASSES)
    analysis = IncrementalAnalysis(doc, ALL_ENGINE, AnalysisOptions())
    analysis.run()
    line = CLASSES.splitlines().index("        return value")
    doc.apply_change(Position(line, 8), Position(line, 8), "value = value or None; ")
    assert analysis.run().rerun == 1  # the class: `store = Store()` and `read` read it, but nothing they see changed
    doc.apply_change(Position(line, 8), Position(line, 8), "time.sleep(1); ")
    result = analysis.run()
    assert result.rerun == 3  # the class, `store = Store()` and the route that calls `store.fetch`
    assert incremental_findings(analysis) == fresh(doc.text)
    assert "FAP103" in {f.code for f in result.findings}


def test_a_change_to_a_model_field_rechecks_its_readers() -> None:
    doc = Document(CLASSES)
    analysis = IncrementalAnalysis(doc, ALL_ENGINE, AnalysisOptions())
    analysis.run()
    line = CLASSES.splitlines().index("    name: str")
    doc.apply_change(Position(line, 4), Position(line, 13), "name: bytes")
    assert analysis.run().rerun > 1  # the body of a class is seen exactly, not as a summary
    assert incremental_findings(analysis) == fresh(doc.text)


EDITS = st.lists(
    st.tuples(
        st.floats(0, 1),
        st.integers(0, 12),
        st.sampled_from(["", "x", "(", ")", '"""', "\n", "\n\n@app.get('/z')\nasync def z():\n    time.sleep(1)\n", "    ", "é😀", "#", "'", "\r\n", "def ", "requests.get(1)"]),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=250, deadline=None)
@given(EDITS)
def test_random_edits_match_a_fresh_analysis(edits) -> None:
    doc = Document(BASE)
    analysis = IncrementalAnalysis(doc, ALL_ENGINE, AnalysisOptions())
    analysis.run()
    text = BASE
    for where, length, insert in edits:
        start = int(where * len(text))
        end = min(start + length, len(text))
        if text[start - 1 : start + 1] == "\r\n" or text[end - 1 : end + 1] == "\r\n":
            continue  # LSP positions cannot point between \r and \n
        doc.apply_change(position_of(text, start), position_of(text, end), insert)
        text = text[:start] + insert + text[end:]
        assert doc.text == text
        if random.random() < 0.5:
            assert incremental_findings(analysis) == fresh(text)
    assert incremental_findings(analysis) == fresh(text)


REBOUND = '''import time
from fastapi import Depends, FastAPI
from pydantic import BaseModel

app = FastAPI()


class Item(BaseModel):
    name: str


def helper():
    def inner():
        return 1
    return inner()


@app.get("/a")
async def a(x=Depends(helper)):
    time.sleep(1)
    return helper()


class Item(BaseModel):
    name: str
    size: int = 0


def helper():
    time.sleep(2)


Item = dict
'''


def _symbols_view(symbols) -> dict:
    """The merged symbols by identity, comparable across two merges of the same chunks."""
    return {
        "bindings": {k: id(v) for k, v in symbols.bindings.items()},
        "functions": {k: id(v) for k, v in symbols.functions.items()},
        "classes": {k: id(v) for k, v in symbols.classes.items()},
        "all_functions": {k: id(v) for k, v in symbols.all_functions.items()},
        "function_chunk": dict(symbols.function_chunk),
        "binding_chunk": dict(symbols.binding_chunk),
        "dependency_names": set(symbols.dependency_names),
        "registered_routes": set(symbols.registered_routes),
        "imports_fastapi": symbols.imports_fastapi,
        "rebound": set(symbols.rebound),
    }


@settings(max_examples=200, deadline=None)
@given(EDITS)
def test_symbols_patched_after_an_edit_equal_a_fresh_merge(edits) -> None:
    """Most edits patch the module's symbols instead of merging every chunk again; the result must be the same."""
    from fastapi_perf.analysis.names.symbols import ModuleSymbols

    doc = Document(REBOUND)
    analysis = IncrementalAnalysis(doc, ALL_ENGINE, AnalysisOptions())
    analysis.run()
    text = REBOUND
    for where, length, insert in edits:
        start = int(where * len(text))
        end = min(start + length, len(text))
        if text[start - 1 : start + 1] == "\r\n" or text[end - 1 : end + 1] == "\r\n":
            continue
        doc.apply_change(position_of(text, start), position_of(text, end), insert)
        text = text[:start] + insert + text[end:]
        result = analysis.run()
        merged = ModuleSymbols.merge([c.facts for c in result.chunks])
        assert _symbols_view(analysis.symbols) == _symbols_view(merged)
    assert incremental_findings(analysis) == fresh(text)


def test_an_edit_inside_a_function_defined_twice_patches_the_symbols() -> None:
    doc = Document(REBOUND)
    analysis = IncrementalAnalysis(doc, ALL_ENGINE, AnalysisOptions())
    analysis.run()
    line = REBOUND.splitlines().index("        return 1")
    doc.apply_change(Position(line, 16), Position(line, 16), "2")
    patched = analysis.symbols.patched(analysis._facts, [c.facts for c in doc.chunks], analysis._replaced(doc.chunks))
    assert patched is not None
    result = analysis.run()
    assert result.rerun == 1
    assert incremental_findings(analysis) == fresh(doc.text)


def test_an_answers_only_view_of_inference_records_no_question() -> None:
    from fastapi_perf.analysis.names.inference import Inference

    inference = Inference(eager=False)
    inference.answers[("known",)] = "sqlite3.Connection"
    view = inference.answers_only()
    assert view.type_of(("known",), 1, 0, "x", None) == "sqlite3.Connection"
    assert view.type_of(("new",), 1, 0, "x", None) is None
    assert not inference.pending and ("new",) not in inference.answers

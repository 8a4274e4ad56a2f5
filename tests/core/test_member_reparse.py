"""An edit inside one member of a class re-parses that member, and gives what a fresh analysis gives."""

from __future__ import annotations

import ast
import random

import pytest
from fastapi_perf.analysis.engine.incremental import IncrementalAnalysis
from fastapi_perf.analysis.findings import Position
from fastapi_perf.analysis.options import AnalysisOptions
from fastapi_perf.analysis.source.document import Document
from helpers import ALL_ENGINE, findings_of

HEAD = '''import time
import requests
from functools import cached_property
from fastapi import APIRouter, Depends

router = APIRouter()


def helper():
    time.sleep(1)


class Service(Base, metaclass=Meta):
    """A class-based view."""

    name = "service"
    limit: int = 10

'''

MEMBER = '''    @router.get("/items/{n}")
    async def read_{n}(self, item_id: int, db=Depends(helper)):
        row = db.get(item_id)
        time.sleep(0.{n})
        self.total_{n} = requests.get("https://x/{n}", timeout={n})
        return {{"id": row.id, "n": {n}}}

    @cached_property
    def value_{n}(self):
        values = [v * {n} for v in range(10)]
        helper()
        return sum(values)

    class Inner{n}:
        size = {n}

'''

TAIL = '''

@router.get("/after")
async def after():
    return Service().read_1(1)
'''


def class_text(members: int) -> str:
    return HEAD + "".join(MEMBER.format(n=n) for n in range(1, members + 1)) + TAIL


def fresh(text: str) -> list[tuple]:
    return [(f.code, f.range, f.message, tuple((r.range, r.message) for r in f.related)) for f in findings_of(text, module="__main__")]


def incremental(analysis: IncrementalAnalysis) -> list[tuple]:
    result = analysis.run()
    assert not result.errors, result.errors
    return [(f.code, f.range, f.message, tuple((r.range, r.message) for r in f.related)) for f in result.findings]


def trees(doc: Document) -> list[tuple]:
    return [
        (chunk.origin, chunk.text, [ast.dump(node, include_attributes=True) for node in chunk.statements], chunk.syntax)
        for chunk in doc.chunks
    ]


def valid(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def position_of(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset)
    return Position(line, offset - (text.rfind("\n", 0, offset) + 1))


def open_document(text: str) -> tuple[Document, IncrementalAnalysis]:
    doc = Document(text)
    doc.member_reparse_min = 0  # the small classes here too
    return doc, IncrementalAnalysis(doc, ALL_ENGINE, AnalysisOptions())


def edit(doc: Document, text: str, start: int, end: int, new: str) -> str:
    doc.apply_change(position_of(text, start), position_of(text, end), new)
    return text[:start] + new + text[end:]


def check(doc: Document, analysis: IncrementalAnalysis, text: str) -> None:
    assert doc.text == text
    again = Document(text)
    assert trees(doc) == trees(again), "a statement's tree differs from a fresh parse"
    assert incremental(analysis) == fresh(text)


# (old, new) replacements the loop makes somewhere in the class: typing, signatures,
# decorators, a method's kind, methods added and removed, the class header.
REPLACEMENTS = [
    ("(self, item_id: int", "(self, item_id: int, extra=1"),
    ("(self):", "(self, *, flag=False):"),
    ("@cached_property", "@property"),
    ("@router.get(", "@router.post("),
    ("async def read_", "def read_"),
    ("time.sleep(", "await asyncio.sleep("),
    ("helper()", "helper(); helper()"),
    ("        return sum(values)\n", "        return sum(values)\n\n    def added(self):\n        time.sleep(2)\n"),
    ("    class Inner", "    @staticmethod\n    def fresh():\n        requests.get('x')\n\n    class Inner"),
    ("class Service(Base, metaclass=Meta):", "class Service(Other):"),
    ("    name = \"service\"", "    name = 'svc'"),
    ("    limit: int = 10", "    limit: int = requests.get('x')"),
]


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_inside_a_class_find_what_a_fresh_analysis_finds(seed: int) -> None:
    rng = random.Random(seed)
    text = class_text(12)
    doc, analysis = open_document(text)
    check(doc, analysis, text)
    class_start = text.index("class Service")
    undo = None
    for _ in range(80):
        if undo is not None:  # a broken class is mended next (as typing does), so that most edits start valid
            text = edit(doc, text, *undo)
            undo = None
            continue
        class_end = text.index("\n\n\n@router.get(\"/after\")")
        choice = rng.random()
        if choice < 0.5:  # one character typed or deleted somewhere in the class, sometimes breaking it
            offset = rng.randrange(class_start, class_end)
            if rng.random() < 0.5:
                typed = rng.choice(["1", "x", " ", "(", ")", ":", "#", "'", ",", "\n"])
                text = edit(doc, text, offset, offset, typed)
                undo = (offset, offset + 1, "")
            else:
                undo = (offset, offset, text[offset])
                text = edit(doc, text, offset, offset + 1, "")
        elif choice < 0.8:
            old, new = rng.choice(REPLACEMENTS)
            if rng.random() < 0.5:
                old, new = new, old
            places = [i for i in range(len(text)) if text.startswith(old, i)]
            if not places:
                continue
            offset = rng.choice(places)
            undo = (offset, offset + len(new), old)
            text = edit(doc, text, offset, offset + len(old), new)
        else:  # a whole member removed (or, if that leaves the class empty, nothing)
            lines = text[class_start:class_end].split("\n")
            starts = [i for i, line in enumerate(lines) if line.startswith("    def ") or line.startswith("    async def ")]
            if not starts:
                continue
            first = rng.choice(starts)
            last = first + 1
            while last < len(lines) and (not lines[last].strip() or lines[last].startswith("        ")):
                last += 1
            offset = class_start + sum(len(line) + 1 for line in lines[:first])
            length = sum(len(line) + 1 for line in lines[first:last])
            undo = (offset, offset, text[offset : offset + length])
            text = edit(doc, text, offset, offset + length, "")
        if valid(text):
            undo = None
        if seed % 2 == 0 or rng.random() < 0.3:  # odd seeds: several edits between analyses
            check(doc, analysis, text)
    check(doc, analysis, text)
    assert doc.reparsed_members >= (10 if seed % 2 == 0 else 2), "the loop should have exercised the member re-parse"


def test_a_keystroke_in_a_method_reparses_the_method_only() -> None:
    text = class_text(30)
    doc, analysis = open_document(text)
    doc.member_reparse_min = 2000
    check(doc, analysis, text)
    offset = text.index("time.sleep(0.17)") + len("time.sleep(0.1")
    reparsed = doc.reparsed
    text = edit(doc, text, offset, offset, "5")
    check(doc, analysis, text)
    assert (doc.reparsed, doc.reparsed_members) == (reparsed, 1)
    text = edit(doc, text, offset, offset + 1, "")
    check(doc, analysis, text)
    assert (doc.reparsed, doc.reparsed_members) == (reparsed, 2)


@pytest.mark.parametrize(
    "old, new",
    [
        ("class Service(Base, metaclass=Meta):", "class Service(Base):"),  # the header
        ("        size = 3\n", "        size = 3\n        more = 1\n"),  # a line added
        ('    """A class-based view."""\n\n', '    """A class-based view."""\n    \n'),  # between members
        ("    name = \"service\"\n", "    name = \"service\"; other = 1\n"),  # one member becomes two
        ("    async def read_5(", "    async def read_5(\n"),  # an open bracket at the end: runs on
    ],
)
def test_edits_outside_one_members_lines_parse_the_class_whole(old: str, new: str) -> None:
    text = class_text(8)
    doc, analysis = open_document(text)
    check(doc, analysis, text)
    offset = text.index(old)
    text = edit(doc, text, offset, offset + len(old), new)
    check(doc, analysis, text)
    if "; other" in new:  # re-parsing the member is exact here too: two statements spliced for one
        assert doc.reparsed_members == 1
    else:
        assert doc.reparsed_members == 0


def test_a_syntax_error_in_a_method_falls_back_and_recovers() -> None:
    text = class_text(8)
    doc, analysis = open_document(text)
    offset = text.index("helper()\n        return sum")
    text = edit(doc, text, offset, offset, "(")
    check(doc, analysis, text)
    assert doc.reparsed_members == 0
    text = edit(doc, text, offset, offset + 1, "")
    check(doc, analysis, text)
    # The broken class took the slow path: the next edit parses it whole again.
    assert doc.reparsed_members == 0
    text = edit(doc, text, offset, offset, "x")
    check(doc, analysis, text)
    assert doc.reparsed_members == 1


def test_the_last_member_of_a_file_without_a_final_line_break() -> None:
    text = "class A:\n    x = 1\n    y = 2\n    def f(self):\n        return 1"
    doc, analysis = open_document(text)
    check(doc, analysis, text)
    text = edit(doc, text, len(text) - 1, len(text), "2")
    check(doc, analysis, text)
    assert doc.reparsed_members == 1
    text = edit(doc, text, text.index("    y"), text.index("    y"), " ")  # one space more: unexpected indent
    check(doc, analysis, text)
    assert doc.reparsed_members == 1

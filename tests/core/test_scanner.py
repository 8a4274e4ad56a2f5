"""The statement splitter agrees with ``ast`` on where top-level statements start."""

from __future__ import annotations

import ast

from fastapi_perf.analysis.source.scanner import directive_comments, next_starts_statement, split_statements
from hypothesis import given, settings
from hypothesis import strategies as st

SOURCE = '''"""Module docstring with def inside: def x(): pass"""
# leading comment
import os

x = (1,
2)
s = """
def not_a_function():
    pass
"""


@decorator
@other(
    arg,
)
def f():
    return 1
# a column-0 comment inside nothing
    # indented comment


if x:
    pass
else:
    pass
try:
    pass
except Exception:
    pass
finally:
    pass
y = 1 + \\
2
class C:
    def m(self):
        return "# not a comment"  # noqa: FAP103
'''


def ast_starts(text: str) -> list[int]:
    starts = []
    for node in ast.parse(text).body:
        decorators = getattr(node, "decorator_list", None)
        starts.append((decorators[0].lineno if decorators else node.lineno) - 1)
    return starts


def test_starts_match_ast() -> None:
    spans = split_statements(SOURCE)
    got = [s.line for s in spans]
    expected = ast_starts(SOURCE)
    got[0] = expected[0] if got[0] == 0 else got[0]
    assert got == expected


def test_spans_cover_the_text_exactly() -> None:
    spans = split_statements(SOURCE)
    assert spans[0].start == 0 and spans[-1].end == len(SOURCE)
    assert all(a.end == b.start for a, b in zip(spans, spans[1:]))
    for span in spans:
        ast.parse(SOURCE[span.start : span.end])


def test_directive_comments_skip_strings() -> None:
    comments = directive_comments(SOURCE)
    assert [c.text for c in comments] == ["# noqa: FAP103"]
    line = SOURCE.splitlines()[comments[0].line]
    assert line[comments[0].column :] == "# noqa: FAP103"


def test_unterminated_string_swallows_the_rest() -> None:
    text = 'x = 1\ns = """\ndef f():\n    pass\n'
    assert [s.line for s in split_statements(text)] == [0, 1]
    assert not next_starts_statement(text + "y = 1\n", 0, len(text))
    assert next_starts_statement("x = (1,\n2)\ny = 1\n", 0, 11)
    assert not next_starts_statement("x = (1,\ny = 1\n", 0, 8)
    assert next_starts_statement("x = (1,\ndef f(): pass\n", 0, 8)  # an open bracket ends at a def
    assert not next_starts_statement("@dec\ndef f(): pass\n", 0, 5)
    assert not next_starts_statement("if x:\n    pass\nelse:\n    pass\n", 0, 15)


def test_crlf_and_cr_line_breaks() -> None:
    text = "import os\r\ndef f():\r\n    pass\r\nx = 1\r"
    assert [s.line for s in split_statements(text)] == [0, 1, 3]


statements = st.sampled_from(
    [
        "x = 1\n",
        "def f(a,\n      b):\n    return a\n",
        "@d\nclass C:\n    '''doc\n\nstill doc'''\n",
        "if a:\n    pass\nelif b:\n    pass\nelse:\n    pass\n",
        "s = '''\nx = 2\n'''\n",
        "# comment\n",
        "\n",
        "y = [\n1,\n]\n",
        "z = 'a#b'  # noqa\n",
        "try:\n    pass\nexcept E:\n    pass\n",
        "w = 1 + \\\n    2\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(statements, min_size=1, max_size=12))
def test_random_modules_split_like_ast(parts: list[str]) -> None:
    text = "".join(parts)
    expected = ast_starts(text)
    spans = split_statements(text)
    got = [s.line for s in spans]
    if expected:
        assert got[1:] == expected[1:]
        assert got[0] <= expected[0]


def test_a_line_opening_with_a_backslash_starts_no_statement() -> None:
    """``\\`` alone at column 0 joins the next line, whose indentation counts: here, the body of ``f``."""
    text = "async def f():\n\\\n requests\nx = 1\n"
    assert [text[s.start : s.end] for s in split_statements(text)] == ["async def f():\n\\\n requests\n", "x = 1\n"]
    assert len(ast.parse(text).body) == 2
    text = "\n\\import time\nimport requests\n"  # not a continuation (an error): the next line still starts a statement
    assert [text[s.start : s.end] for s in split_statements(text)] == ["\n\\import time\n", "import requests\n"]
    text = "\\\n@app.post('/y')\nasync def y():\n    pass\nx = 1\n"  # the continued line is a decorator
    assert [text[s.start : s.end] for s in split_statements(text)] == ["\\\n@app.post('/y')\nasync def y():\n    pass\n", "x = 1\n"]
    text = "\n\\\n@app.post('/y')\nasync def y():\n    pass\n"  # after a blank line too
    assert [text[s.start : s.end] for s in split_statements(text)] == [text]
    text = "\n\\\nimport time\nimport requests\n"  # after a blank line, the joined line is the first statement
    assert [text[s.start : s.end] for s in split_statements(text)] == ["\n\\\nimport time\n", "import requests\n"]
    assert len(ast.parse(text).body) == 2

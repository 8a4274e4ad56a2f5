"""Random edits for the robustness tests: documents, fragments, and a model to apply them to.

Shared by the protocol test (``test_protocol_edits.py``), the core test
(``test_core_edits.py``) and the soak benchmark. Offsets are code points in
the client's text; an edit never starts or ends between ``\\r`` and ``\\n``
(an LSP position cannot point there).
"""

from __future__ import annotations

from hypothesis import strategies as st

APP = '''import time
import requests
from fastapi import Depends, FastAPI

app = FastAPI()


def helper():
    time.sleep(0.1)
    return 1


@app.get("/a")
async def a():
    helper()
    return {"a": "é😀 漢字 e\u0301"}


@app.get("/b")
async def b(db=Depends(helper)):
    time.sleep(1)  # noqa: FAP201
    return requests.get("https://example.com")


CONSTANT = """
def not_code():
    pass
"""


class Service:
    async def run(self):
        time.sleep(2)
'''

# The same module with other line breaks, wide characters and odd whitespace.
BASES = [
    APP,
    APP.replace("\n", "\r\n"),
    "# -*- coding: utf-8 -*-\n\t\n" + APP.replace("    ", "\t").replace("\t", "    ", 3),
    "x = '😀😀😀'  # 👨‍👩‍👧\n\f\n" + APP + "\u2028# separator above\n",
    "",
    "@app.get('/unfinished'\nasync def broken(:\n    time.sleep(1\n" + APP,
]

FRAGMENTS = [
    "", "x", "a1", " ", "    ", "\t", "\n", "\n\n", "\r\n", "\r", "\f", "\u2028", "\u0085", "\\", "\\\n",
    "(", ")", "[", "]", "{", "}", ":", ",", ".", "=", "#", "# noqa", "# noqa: FAP103",
    '"', "'", '"""', "'''", "f'", "b'", "r'\\", "{x!r}",
    "é", "e\u0301", "😀", "👨‍👩‍👧", "漢字", "\u200d", "\U0001F1EB\U0001F1F7", "ß", "\u00a0",
    "async ", "def ", "async def f():\n", "def g(x):\n    ", "class C:\n", "await ", "return ", "yield ",
    "if x:\n", "else:\n", "try:\n    pass\nexcept:\n", "lambda: ",
    "time.sleep(1)", "requests.get(url)", "helper()", "open('f').read()", "@app.get('/z')\n",
    "@app.post('/y')\nasync def y():\n    time.sleep(1)\n", "import time\n", "from os import path\n",
    "\n\nasync def z():\n    requests.get(1)\n",
]

TEXT = st.lists(st.sampled_from(FRAGMENTS), min_size=0, max_size=4).map("".join)

# (where in the text 0..1, how many characters to replace, replacement)
EDIT = st.tuples(
    st.floats(0, 1, allow_nan=False),
    st.one_of(st.just(0), st.integers(0, 3), st.integers(0, 40), st.integers(0, 400)),
    TEXT,
)


def clamp_to_breaks(text: str, start: int, end: int) -> tuple[int, int]:
    """Move offsets that fall between ``\\r`` and ``\\n`` onto the ``\\r``."""
    if 0 < start < len(text) and text[start - 1] == "\r" and text[start] == "\n":
        start -= 1
    if 0 < end < len(text) and text[end - 1] == "\r" and text[end] == "\n":
        end -= 1
    return start, max(start, end)


def locate(text: str, where: float, length: int) -> tuple[int, int]:
    start = min(int(where * (len(text) + 1)), len(text))
    return clamp_to_breaks(text, start, min(start + length, len(text)))


def apply(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]

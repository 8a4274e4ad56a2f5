"""Syntax errors cost only the statement they are in."""

from helpers import findings_of

BROKEN = """import time
from fastapi import FastAPI

app = FastAPI()


@app.get("/a")
async def a():
    time.sleep(1)
    return {


@app.get("/b")
async def b():
    time.sleep(1)
    return {}
"""


def test_syntax_error_is_reported_and_other_statements_analysed() -> None:
    found = findings_of(BROKEN)
    syntax = [f for f in found if f.code == "FAP000"]
    assert len(syntax) == 1 and syntax[0].message.startswith("SyntaxError")
    assert syntax[0].range.start.line in (9, 10, 11)
    assert any(f.code == "FAP103" and f.range.start.line == 14 for f in found)
    # The broken statement's other lines are analysed too (parso's recovery).
    assert any(f.code == "FAP103" and f.range.start.line == 8 for f in found)


def test_deep_nesting_does_not_crash() -> None:
    deep = "from fastapi import FastAPI\nx = " + "(" * 150 + "1" + ")" * 150 + "\n"
    findings_of(deep)
    long_chain = "from fastapi import FastAPI\nasync def f():\n    return " + " + ".join(["a"] * 20000) + "\n"
    findings_of(long_chain)


def test_bom_and_crlf() -> None:
    text = "\ufeffimport time\r\nfrom fastapi import FastAPI\r\nasync def f():\r\n    time.sleep(1)\r\n"
    found = findings_of(text)
    assert [(f.code, f.range.start.line, f.range.start.column) for f in found] == [("FAP103", 3, 4)]


def test_columns_count_code_points() -> None:
    text = "import time\nfrom fastapi import FastAPI\nasync def f():\n    x = '😀漢'; time.sleep(1)\n"
    (finding,) = findings_of(text)
    assert finding.range.start.column == text.splitlines()[3].index("time.sleep")

"""Syntax newer than the running Python: rewritten for ``ast``, analysed at its own positions."""

from __future__ import annotations

import ast

import pytest
from fastapi_perf.analysis.options import AnalysisOptions
from fastapi_perf.analysis.source.newer_syntax import downlevel
from helpers import findings_of

HEAD = "import time\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"


def sleeps(text: str, options: AnalysisOptions | None = None) -> list[tuple[int, int]]:
    return [(f.range.start.line, f.range.start.column) for f in findings_of(text, options) if f.code == "FAP103"]


def at(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """(line, column) of the ``occurrence``-th ``needle`` in ``text``."""
    offset = -1
    for _ in range(occurrence + 1):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)


@pytest.mark.parametrize(
    "statement",
    [
        # PEP 758 (3.14): the call after the rewritten clause has moved two columns in ast's text.
        "async def f():\n    try:\n        pass\n    except ValueError, TypeError: time.sleep(1)\n",
        # PEP 695 (3.12), defaults (3.13).
        "class Repo[T: int = str]:\n    async def get(self, key: T) -> T:\n        time.sleep(1)\n",
        "async def f[T, *Ts, **P](x: T) -> T:\n    time.sleep(1)\n",
        "async def f[\n    T,\n](x: T) -> T:\n    time.sleep(1)\n",
        # The type statement loses five columns; what follows on its line is mapped back.
        "type Alias = list[int]; x = 1\nasync def f():\n    time.sleep(1)\n",
        # PEP 701 (3.12): the same quotes, a line break inside a field.
        "async def f(d):\n    return f'{d['k']}{time.sleep(1)}'\n",
        'async def f():\n    text = f"-{\n        time.sleep(1)\n    }"\n',
        # PEP 750 (3.14).
        "async def f(name):\n    return t'{name!r:>{time.sleep(1)}}'\n",
    ],
)
def test_newer_syntax_is_analysed_at_exact_positions(statement: str) -> None:
    text = HEAD + statement
    with pytest.raises(SyntaxError):
        ast.parse(text)  # this interpreter cannot parse it ...
    assert sleeps(text) == [at(text, "time.sleep")]  # ... and the finding is where the call is
    assert not [f for f in findings_of(text) if f.code == "FAP000"]


def test_rewritten_text_keeps_lines_and_parses() -> None:
    text = 'try:\n    pass\nexcept A, B:\n    x = f"{d["k"]}"\ntype X[T] = dict[str, T]\nclass C[T](Base): pass\n'
    down = downlevel(text, running=(3, 11))
    assert down is not None
    rewritten = down.rewrite.text
    assert rewritten.count("\n") == text.count("\n")
    ast.parse(rewritten)
    assert "except (A, B):" in rewritten and "X    = dict[str, T]" in rewritten
    assert [(c.version, c.range.start) for c in down.constructs] == [
        ((3, 14), (2, 0)),
        ((3, 12), (3, 8)),
        ((3, 12), (4, 0)),
        ((3, 12), (4, 6)),
        ((3, 12), (5, 7)),
    ]


def test_python_311_syntax_is_rewritten_for_python_310() -> None:
    text = "try:\n    pass\nexcept* ValueError:\n    pass\nx: tuple[*Ts]\ndef f(*args: *Ts): pass\n"
    down = downlevel(text, running=(3, 10))
    assert down is not None
    assert down.rewrite.text == "try:\n    pass\nexcept  ValueError:\n    pass\nx: tuple[ Ts]\ndef f(*args:  Ts): pass\n"
    assert {c.version for c in down.constructs} == {(3, 11)}
    assert downlevel(text, running=(3, 11)) is None  # 3.11 parses it itself


@pytest.mark.parametrize(
    "text",
    [
        "x = [*a, *b]\nreturn [*c]\n",  # a list display, not a subscript
        "type = 3\ntype(x)\nprint(type)\n",  # ``type`` as a name
        "x = f'{a}' + f'{b!r}'\n",  # f-strings older Pythons parse
        "try:\n    pass\nexcept (A, B) as e:\n    pass\n",
    ],
)
def test_old_syntax_is_left_alone(text: str) -> None:
    assert downlevel(text, running=(3, 10)) is None


def test_newer_syntax_than_the_target_version_is_a_syntax_error() -> None:
    text = HEAD + "async def f():\n    try:\n        pass\n    except ValueError, TypeError:\n        time.sleep(1)\n"
    newest = findings_of(text, AnalysisOptions(target_version=(3, 14)))
    assert {f.code for f in newest} >= {"FAP103"} and "FAP000" not in {f.code for f in newest}
    (syntax,) = [f for f in findings_of(text, AnalysisOptions(target_version=(3, 10))) if f.code == "FAP000"]
    assert syntax.message == (
        "SyntaxError: Cannot use `except` with several exception types and no parentheses on Python 3.10"
        " (syntax was added in Python 3.14)"
    )
    assert (syntax.range.start.line, syntax.range.start.column) == at(text, "except")
    # The file is still analysed: the project may be run on a newer Python than it declares.
    assert sleeps(text, AnalysisOptions(target_version=(3, 10))) == [at(text, "time.sleep")]


@pytest.mark.parametrize(
    ("specifier", "target"),
    [(">=3.14", (3, 14)), (">=3.10,<4.0", (3, 10)), ("~=3.11", (3, 11)), ("==3.12.*", (3, 12)), (">=3.8.1", (3, 8)),
     ("^3.11", (3, 11)), ("~3.9", (3, 9)), ("not a specifier", None), (311, None)],
)
def test_the_target_version_is_the_oldest_python_requires_python_admits(specifier, target) -> None:
    from fastapi_perf.config import requires_python_target

    assert requires_python_target(specifier) == target


def test_the_target_version_comes_from_pyproject(tmp_path) -> None:
    from fastapi_perf.config import load_settings

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\nrequires-python = '>=3.12'\n")
    assert load_settings(tmp_path).options.target_version == (3, 12)
    (tmp_path / "pyproject.toml").write_text("[tool.poetry.dependencies]\npython = '^3.11'\n[tool.fastapi-perf]\n")
    assert load_settings(tmp_path).target_version == (3, 11)
    (tmp_path / "pyproject.toml").write_text("[project]\nrequires-python = '>=3.10'\n[tool.fastapi-perf]\ntarget-version = 'py313'\n")
    assert load_settings(tmp_path).target_version == (3, 13)

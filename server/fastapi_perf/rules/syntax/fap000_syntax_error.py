from __future__ import annotations

from typing import ClassVar

from ...analysis import Severity
from ..base import Category, Rule


class InvalidSyntax(Rule):
    """
    ## What it does
    Reports the first syntax error of a file: code that the project's
    Python version cannot parse, with the parser's message and position.
    Syntax newer than the project's target version counts as an error
    (`except A, B:` needs Python 3.14); the target version is the lower
    bound of `requires-python` in `pyproject.toml`, or `target-version`
    in `[tool.fastapi-perf]`.

    The rest of the file is still analysed: each top-level statement is
    parsed on its own, and inside the broken one only the statement that
    does not parse is left out (its other statements keep their findings).

    In the editor this rule is off by default, since the Python language
    server already reports syntax errors; the `showSyntaxErrors` setting
    turns it on.

    ## Why is this bad?
    A module that does not parse cannot be imported: the application fails
    at start-up, or, for a module imported lazily, on the first request
    that needs it. The findings on the broken statement are unknown until
    it parses.

    ## Example
    ```python
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/items")
    async def list_items():
        return {"count": len(ITEMS}
    ```

    Use instead:
    ```python
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/items")
    async def list_items():
        return {"count": len(ITEMS)}
    ```

    ## Options
    - `target-version` (`"py310"` ... `"py314"`) in `[tool.fastapi-perf]`,
      when `requires-python` does not say which Python the code is for.
    - `showSyntaxErrors` (editor setting, default `false`).

    A syntax error is silenced like any other finding: `--ignore FAP000`,
    `per-file-ignores`, or `# noqa: FAP000` on the line it is reported on.

    ## References
    - [Python docs: `SyntaxError`](https://docs.python.org/3/library/exceptions.html#SyntaxError)
    - [PyPA: `requires-python`](https://packaging.python.org/en/latest/specifications/pyproject-toml/#requires-python)
    - [Ruff: `target-version`](https://docs.astral.sh/ruff/settings/#target-version)
    """

    code = "FAP000"
    name = "syntax-error"
    category: ClassVar[Category] = Category.SYNTAX
    summary = "the file does not parse for the project's Python version"
    default_severity: ClassVar[Severity] = Severity.ERROR
    fastapi_only: ClassVar[bool] = False
    reports_syntax_errors: ClassVar[bool] = True
    """The engine reports each file's first syntax error under this rule's code; it visits nothing."""

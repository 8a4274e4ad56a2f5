from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import ClassVar

from ...analysis import Finding, FunctionInfo, Ref, Related, RuleContext, Severity
from ...analysis import pydantic_model as pm
from ..base import Category, Rule
from . import requirements

_SEQUENCES = frozenset("list List Sequence tuple Tuple set Set Iterable".split())


class ResponseModelRevalidation(Rule):
    """
    ## What it does
    Checks for a route that builds its response model itself —
    `return UserOut(...)`, `return UserOut.model_validate(row)`, or a list
    of those for `list[UserOut]`, also through a local variable — while the
    same model is its `response_model` or return annotation.

    This rule is off by default: it is about FastAPI before 0.128. Select
    it (`extend-select = ["FAP304"]`) in projects that pin an older FastAPI.
    It stays quiet when the project's declared FastAPI requirement
    (`pyproject.toml`, `requirements*.txt`, `setup.cfg`, or an installed
    distribution's `METADATA`, looked up from the file upwards) allows 0.128
    or later; it reports when that requirement caps FastAPI below 0.128
    (`fastapi~=0.115.0`, `fastapi<0.128`) or when none is found.

    ## Why is this bad?
    FastAPI before 0.128 turns a returned model back into a dict
    (`model_dump`), validates that dict against the response model and then
    serialises it: the model is validated twice and dumped twice. FastAPI
    0.128 and later pass an instance of the response model through
    unchanged, so there the cost is only that of building it yourself.
    Measured with `tests/benchmarks/bench_pydantic.py`, which replays both
    pipelines (pydantic 2.14, CPython 3.11, a shared and busy 2-core
    machine; medians of interleaved runs, which moved by up to 30 % between
    runs):

    | response | returns the ORM row(s) | returns `UserOut.model_validate(...)` |
    |---|---:|---:|
    | one `UserOut`, FastAPI < 0.128 | 14.7 µs | 20.6 µs (1.40×) |
    | 1,000 rows, FastAPI < 0.128 | 9.6 ms | 16.7 ms (1.74×) |
    | one `UserOut`, FastAPI ≥ 0.128 | 6.7 µs | 7.8 µs (1.18×) |
    | 1,000 rows, FastAPI ≥ 0.128 | 4.9 ms | 6.1 ms (1.25×, the per-row loop of FAP301) |

    The waste is real on old FastAPI and proportional to the response's
    size; for one small object it is a few microseconds. Hence: off by
    default, severity *info* when selected.

    ## Example
    ```python
    from fastapi import FastAPI
    from pydantic import BaseModel, ConfigDict

    from .database import load_user

    app = FastAPI()


    class UserOut(BaseModel):
        model_config = ConfigDict(from_attributes=True)
        id: int
        email: str


    @app.get("/users/{user_id}", response_model=UserOut)
    def read_user(user_id: int):
        return UserOut.model_validate(load_user(user_id))
    ```

    Use instead:
    ```python
    from fastapi import FastAPI
    from pydantic import BaseModel, ConfigDict

    from .database import load_user

    app = FastAPI()


    class UserOut(BaseModel):
        model_config = ConfigDict(from_attributes=True)
        id: int
        email: str


    @app.get("/users/{user_id}", response_model=UserOut)
    def read_user(user_id: int):
        return load_user(user_id)  # FastAPI validates it once, with from_attributes
    ```

    Or upgrade FastAPI to 0.128 or later and keep the code. A model built
    from literals only (`Status(ok=True, message="Deleted")`) is not
    reported: validating a few literals again costs a microsecond or two.

    ## References
    - [FastAPI: Response model](https://fastapi.tiangolo.com/tutorial/response-model/)
    - [FastAPI 0.128.0 release notes](https://fastapi.tiangolo.com/release-notes/)
    """

    code = "FAP304"
    name = "response-model-revalidation"
    category: ClassVar[Category] = Category.PYDANTIC
    summary = "A route builds its response model and FastAPI (before 0.128) validates it again"
    default_enabled: ClassVar[bool] = False
    default_severity: ClassVar[Severity] = Severity.INFO

    def visit_function(self, fn: FunctionInfo, ctx: RuleContext) -> Iterable[Finding]:
        route = ctx.route(fn)
        if route is None or route.websocket or fn.is_generator:
            return
        if requirements.revalidates(ctx.module.path) is False:
            return  # the project's FastAPI (0.128 or later) passes a returned model through
        declared = _declared(fn, route.decorator)
        if declared is None:
            return
        model, many = _model_of(declared, fn, ctx)
        if model is None:
            return
        reported: set[int] = set()
        for value in _returned(fn):
            for built in _built(value, model, many, fn, ctx, 0):
                if id(built) in reported:
                    continue
                reported.add(id(built))
                name = model.rpartition(".")[2]
                message = (
                    f"`{ctx.source(built.func)}(...)` validates the response, and FastAPI before 0.128 dumps and "
                    f"validates it again as `{name}`; return the data and let FastAPI validate it once"
                )
                related = (Related(f"`{name}` is declared as the response model here", ctx.range(declared)),)
                yield ctx.finding(self.code, built, message, related=related)


def _declared(fn: FunctionInfo, decorator: ast.Call | None) -> ast.expr | None:
    """The ``response_model=`` argument, else the return annotation; None when FastAPI validates nothing."""
    for keyword in decorator.keywords if decorator is not None else ():
        if keyword.arg == "response_model":
            value = keyword.value
            return None if type(value) is ast.Constant and value.value is None else value
    return fn.node.returns


def _model_of(declared: ast.expr, fn: FunctionInfo, ctx: RuleContext) -> tuple[str | None, bool]:
    """(qualified name of the declared Pydantic model, whether it is a sequence of it)."""
    node, many = declared, False
    if type(node) is ast.Subscript:
        head = ctx.resolver.value_of(node.value, fn.parent)
        if type(head) is Ref and head.qualname.rpartition(".")[2] in _SEQUENCES:
            node, many = node.slice, True
            if type(node) is ast.Tuple:
                return None, False
    value = ctx.resolver.value_of(node, fn.parent)
    if type(value) is not Ref or not value.qualname.rpartition(".")[2][:1].isupper():
        return None, False
    local = ctx.resolver.local_class(value.qualname)
    if local is not None and pm.class_kind(local, ctx.resolver) != "model":
        return None, False
    if value.qualname.partition(".")[0] in ("builtins", "typing", "fastapi", "starlette"):
        return None, False  # ``dict``, ``Any``, a ``Response`` class
    return value.qualname, many


def _returned(fn: FunctionInfo) -> Iterable[ast.expr]:
    """Every returned value (the facts keep only the first few)."""
    for node in pm.own_nodes(fn):
        if type(node) is ast.Return and node.value is not None:
            yield node.value


def _built(value: ast.expr, model: str, many: bool, fn: FunctionInfo, ctx: RuleContext, depth: int) -> Iterable[ast.Call]:
    """The calls in a returned value that build ``model`` by validating (``model_construct`` does not)."""
    if depth > 2:
        return
    if type(value) is ast.Name:
        values = fn.assigned.get(value.id, [])
        if len(values) == 1 and values[0] is not None:
            yield from _built(values[0], model, many, fn, ctx, depth + 1)
        return
    if many and type(value) is ast.ListComp:
        yield from _built(value.elt, model, False, fn, ctx, depth + 1)
        return
    if type(value) is not ast.Call or many:
        return
    func = value.func
    if type(func) is ast.Attribute and func.attr in pm.VALIDATING_METHODS:
        func = func.value
    elif type(func) is ast.Attribute and func.attr == "model_construct":
        return
    built = ctx.resolver.value_of(func, fn)
    if type(built) is Ref and built.qualname == model and not _literal_only(value):
        yield value


def _literal_only(call: ast.Call) -> bool:
    """``Status(ok=True, message=f"{name} deleted")``: a second validation of a few literals costs microseconds."""
    values = [*call.args, *(k.value for k in call.keywords)]
    return all(type(v) in (ast.Constant, ast.JoinedStr) for v in values)

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import ClassVar

from ...analysis import (
    Applicability,
    Edit,
    Finding,
    Fix,
    FunctionInfo,
    Ref,
    Related,
    RuleContext,
    Severity,
    object_alias,
)
from ...analysis import pydantic_model as pm
from ..base import Category, FixAvailability, Rule
from . import requirements
from .common import constant_name, imported_at_top, module_constant
from .db_rows import db_source

_LOOPS = (ast.For, ast.AsyncFor, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_ADAPTER_KEYWORDS = frozenset({"from_attributes", "strict", "context"})


class ValidateInLoop(Rule):
    """
    ## What it does
    Checks for a Pydantic model validated once per row of a database
    result: `Model.model_validate(row)` (also `model_validate_json`,
    `from_orm`, `parse_obj`) or `Model(**row)` inside a `for` loop or a
    comprehension over rows that come from the database.

    A loop counts as "over database rows" when its iterable is, after
    `await`, `list(...)` and result methods such as `.all()`, `.scalars()`
    or `.filter(...)`: a query method (`query`, `execute`, `scalars`,
    `exec`, `fetch`, `find_many`) on a session, connection or cursor (known
    by its type, else by a name such as `db` or `session`) or with a
    `select(...)`/`text(...)` statement; a call handed such a session
    (`crud.get_users(db)`); a function of a `crud` module; or a local
    variable assigned one of these. The validated value must use the loop
    variable. Loops over anything else (a request's items, a relationship
    attribute) are not reported, and neither is a project that requires
    Pydantic 1 (read from its `pyproject.toml`, `requirements*.txt`,
    `setup.cfg` or installed metadata, as FAP304 reads FastAPI's): v1 has
    no `TypeAdapter`, and its `parse_obj_as(list[Model], rows)` validates
    row by row in Python too.

    ## Why is this bad?
    Each `model_validate` call crosses from Python into pydantic-core and
    sets up a validation of its own; one `TypeAdapter(list[Model])` call
    validates the whole list inside pydantic-core. Measured with
    `tests/benchmarks/bench_pydantic.py` (pydantic 2.14, CPython 3.11, a
    shared and busy 2-core machine; medians of 200 interleaved runs, which
    moved by up to 30 % between runs), for 1,000 rows of an 8-field model:

    | 1,000 rows | per row | one `TypeAdapter` | `model_construct` per row |
    |---|---:|---:|---:|
    | SQLAlchemy ORM objects, `from_attributes=True` | 9.3 ms | 7.7 ms (0.83×) | 14.3 ms |
    | plain objects, `from_attributes=True` | 3.2 ms | 2.1 ms (0.65×) | 6.7 ms |
    | dicts, `Model(**row)` | 2.3 ms | 1.3 ms (0.57×) | 4.8 ms |

    For scale: loading those ORM rows (`session.scalars(select(User)).all()`
    on in-memory SQLite) took 7.6 ms and dumping the models to JSON 1.5 ms,
    so validation is about half of such an endpoint's work, and one list
    validation saves 15–45 % of it. `model_construct` is no shortcut: it
    skips validation and nested models, yet runs in Python and was 1.5–2×
    slower. The gain is real but moderate, hence the default severity
    *info*. (Whether each row also lazy-loads a relationship is a bigger
    cost, and another matter.)

    ## Example
    ```python
    from fastapi import Depends, FastAPI
    from pydantic import BaseModel, ConfigDict
    from sqlalchemy.orm import Session

    from .database import User, get_db

    app = FastAPI()


    class UserOut(BaseModel):
        model_config = ConfigDict(from_attributes=True)
        id: int
        email: str


    @app.get("/users")
    def list_users(db: Session = Depends(get_db)):
        users = db.query(User).all()
        return [UserOut.model_validate(u) for u in users]
    ```

    Use instead:
    ```python
    from fastapi import Depends, FastAPI
    from pydantic import BaseModel, ConfigDict, TypeAdapter
    from sqlalchemy.orm import Session

    from .database import User, get_db

    app = FastAPI()


    class UserOut(BaseModel):
        model_config = ConfigDict(from_attributes=True)
        id: int
        email: str


    USER_OUT_LIST = TypeAdapter(list[UserOut])


    @app.get("/users")
    def list_users(db: Session = Depends(get_db)):
        return USER_OUT_LIST.validate_python(db.query(User).all())
    ```

    ## Fix safety
    For a list comprehension that only validates its loop variable with
    `Model.model_validate(row, ...)` (or builds `Model(**row)`), where
    `Model` is imported at the top of the file, the fix adds a module-level
    `MODEL_LIST = TypeAdapter(list[Model])` (building an adapter per call
    cost 0.1–1 ms each time) and calls its `validate_python` with
    the same `from_attributes`/`strict`/`context` arguments. It is unsafe:
    a class that overrides `model_validate` is bypassed, error locations
    gain the row's index (`0.email` instead of `email`), and `list[...]`
    needs Python 3.9.

    ## References
    - [Pydantic: Type adapter](https://docs.pydantic.dev/latest/concepts/type_adapter/)
    - [Pydantic: Performance tips](https://docs.pydantic.dev/latest/concepts/performance/)
    """

    code = "FAP301"
    name = "validate-in-loop"
    category: ClassVar[Category] = Category.PYDANTIC
    summary = "A Pydantic model is validated once per database row instead of once per list"
    fix_availability: ClassVar[FixAvailability] = FixAvailability.SOMETIMES
    default_severity: ClassVar[Severity] = Severity.INFO

    def visit_function(self, fn: FunctionInfo, ctx: RuleContext) -> Iterable[Finding]:
        if not any(site.loop_depth and _may_validate(site.node) for site in fn.calls):
            return  # the common case, decided without walking the body
        if requirements.pydantic_v1(ctx.module.path):
            return  # no pydantic-core to cross into, and no `TypeAdapter`: one call per row is all v1 has
        reported: set[int] = set()
        for loop, iterable, targets, body in _loops(fn):
            source = db_source(iterable, fn, ctx.resolver)
            if source is None:
                continue
            for call in _calls(body):
                model = _validation(call, targets, fn, ctx)
                if model is None or id(call) in reported:
                    continue
                reported.add(id(call))
                what = f"`{model}(**...)`" if _is_constructor(call) else f"`{ctx.source(call.func)}()`"
                message = f"{what} validates one database row at a time; validate the list once with `TypeAdapter(list[{model}])`"
                related = (Related("the rows come from this database call", ctx.range(source)),)
                yield ctx.finding(self.code, call, message, fix=_adapter_fix(loop, call, model, fn, ctx), related=related)


def _loops(fn: FunctionInfo) -> Iterator[tuple[ast.AST, ast.expr, set[str], list[ast.AST]]]:
    """(loop, iterable, loop variables, nodes run per item) for each loop of ``fn``'s own body."""
    for node in pm.own_nodes(fn):
        if type(node) in (ast.For, ast.AsyncFor):
            yield node, node.iter, pm.names_in(node.target), node.body
        elif isinstance(node, _LOOPS):
            parts = [node.key, node.value] if type(node) is ast.DictComp else [node.elt]
            for gen in node.generators:
                yield node, gen.iter, pm.names_in(gen.target), parts


def _calls(nodes: list[ast.AST]) -> Iterator[ast.Call]:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if type(node) is ast.Call:
            yield node
        stack.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)))


def _may_validate(call: ast.Call) -> bool:
    func = call.func
    if type(func) is ast.Attribute and func.attr in pm.VALIDATING_METHODS:
        return True
    return any(k.arg is None for k in call.keywords)


def _is_constructor(call: ast.Call) -> bool:
    return type(call.func) is not ast.Attribute or call.func.attr not in pm.VALIDATING_METHODS


def _validation(call: ast.Call, targets: set[str], fn: FunctionInfo, ctx: RuleContext) -> str | None:
    """The model ``call`` validates a loop variable with, as written."""
    func = call.func
    if type(func) is ast.Attribute and func.attr in pm.VALIDATING_METHODS:
        if not call.args or not (pm.names_in(call.args[0]) & targets):
            return None
        value = ctx.resolver.value_of(func.value, fn)
        if type(value) is not Ref:
            return None
        local = ctx.resolver.local_class(value.qualname)
        if local is not None and pm.class_kind(local, ctx.resolver) != "model":
            return None
        name = value.qualname.rpartition(".")[2]
        return ctx.source(func.value) if name[:1].isupper() else None
    unpacked = [k.value for k in call.keywords if k.arg is None]
    if len(unpacked) == 1 and pm.names_in(unpacked[0]) & targets and pm.local_model(func, ctx.resolver, fn):
        return ctx.source(func)
    return None


def _adapter_fix(loop: ast.AST, call: ast.Call, model: str, fn: FunctionInfo, ctx: RuleContext) -> Fix | None:
    """``[M.model_validate(r, **kw) for r in rows]`` -> ``M_LIST.validate_python(rows, **kw)``."""
    if type(loop) is not ast.ListComp or loop.elt is not call or len(loop.generators) != 1:
        return None
    gen = loop.generators[0]
    if gen.ifs or gen.is_async or type(gen.target) is not ast.Name:
        return None
    row = gen.target.id
    if _is_constructor(call):
        if call.args or len(call.keywords) != 1 or type(call.keywords[0].value) is not ast.Name:
            return None
        keywords, passed = [], call.keywords[0].value
    else:
        keywords, passed = call.keywords, call.args[0] if len(call.args) == 1 else None
    if type(passed) is not ast.Name or passed.id != row or any(k.arg not in _ADAPTER_KEYWORDS for k in keywords):
        return None
    root = model.partition(".")[0]
    if not imported_at_top(ctx, root) or fn.binds_locally(root):
        return None
    alias = object_alias(ctx, "pydantic.TypeAdapter", None)
    if alias is None:
        return None
    adapter_class, request = alias
    constant = module_constant(ctx, fn, f"{constant_name(model.rpartition('.')[2])}_LIST", f"{adapter_class}(list[{model}])")
    if constant is None:
        return None
    adapter, lines = constant
    arguments = ", ".join([ctx.source(gen.iter), *(ctx.source(k) for k in keywords)])
    return Fix(
        f"Validate all rows with one `TypeAdapter(list[{model}])`",
        Applicability.UNSAFE,
        (Edit(ctx.range(loop), f"{adapter}.validate_python({arguments})"),),
        imports=(request,) if request else (),
        module_lines=lines,
    )

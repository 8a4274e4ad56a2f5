from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import ClassVar

from ...analysis import pydantic_model as pm
from ...analysis.context import RuleContext
from ...analysis.facts import ClassInfo, FunctionInfo, Param
from ...analysis.findings import Finding, Related
from ...analysis.resolve import Resolver
from ..base import Category, Rule

_NOT_BODY = frozenset("Depends Security Query Path Header Cookie Form File".split())
_COLLECTIONS = frozenset(
    "list set frozenset dict tuple List Set FrozenSet Dict Tuple Sequence MutableSequence Mapping MutableMapping "
    "Iterable Collection Deque deque DefaultDict defaultdict OrderedDict Counter AbstractSet MutableSet".split()
)
_CONSTRAINED = frozenset({"conlist", "conset", "confrozenset"})
_MAX_DEPTH = 8


class UnboundedRequestBody(Rule):
    """
    ## What it does
    Checks the request bodies of routes and dependencies: a parameter that
    FastAPI reads from the body (not declared with `Query`, `Path`,
    `Header`, `Cookie`, `Form`, `File` or `Depends`) whose type is a
    Pydantic model of the same file, or a list of one, where that model —
    or a model nested in it, to any depth, cycles included — has a list,
    set, dict or `tuple[X, ...]` of models with no length limit. A limit is
    `Field(max_length=...)` (as the default or in `Annotated`),
    `annotated_types.MaxLen`/`Len`, `conlist(..., max_length=...)`,
    `Body(max_length=...)` for a list body, or a `mode="before"`, `"wrap"`
    or `"plain"` validator of the field. One finding per body parameter
    names the unbounded fields, with their locations.

    Not reported, because measurement shows a limit saves little there:
    collections of scalars (`list[str]`, `dict[str, Any]`), `str` and
    `bytes` fields, and nesting depth. Pydantic's work on them is a fraction
    of the JSON parse FastAPI does first (100,000 strings: 2.4 ms after a
    9.8 ms parse; one 10 MB string: microseconds after 15 ms), a deep model
    costs what its items cost, and pydantic-core itself rejects nesting
    beyond about 250 levels. Bound the request size in the server or proxy
    for those. Models imported from another file are not followed yet.

    ## Why is this bad?
    FastAPI validates the whole body before the endpoint runs, on the event
    loop, and a client chooses how many items to send. Measured with
    `tests/benchmarks/bench_pydantic.py` (pydantic 2.14, CPython 3.11, a
    shared and busy 2-core machine; medians of interleaved runs, which moved
    by up to 30 % between runs), for a body of
    `{"items": [{"sku": ..., "quantity": ...}, ...]}`:

    | items | `json.loads` | validate, no limit | validate, `max_length=100` |
    |---:|---:|---:|---:|
    | 1,000 (40 kB) | 0.75 ms | 1.2 ms | 0.12 ms (rejected) |
    | 100,000 (4.1 MB) | 94 ms | 356 ms | 0.21 ms (rejected) |

    Without a limit, one 4 MB request holds the event loop for a third of a
    second, and every other request waits; with `max_length`, pydantic-core
    rejects the list before validating its items. Whatever the endpoint
    does per item (database rows, outbound calls) is bounded too. That cost
    and the denial-of-service risk make the default severity *warning*.

    ## Example
    ```python
    from fastapi import FastAPI
    from pydantic import BaseModel

    app = FastAPI()


    class Line(BaseModel):
        sku: str
        quantity: int


    class Order(BaseModel):
        customer: str
        lines: list[Line]


    @app.post("/orders")
    async def create_order(order: Order):
        return {"lines": len(order.lines)}
    ```

    Use instead:
    ```python
    from fastapi import FastAPI
    from pydantic import BaseModel, Field

    app = FastAPI()


    class Line(BaseModel):
        sku: str
        quantity: int


    class Order(BaseModel):
        customer: str
        lines: list[Line] = Field(max_length=500)


    @app.post("/orders")
    async def create_order(order: Order):
        return {"lines": len(order.lines)}
    ```

    ## Options
    None. What is reported (collections of models; not scalars, strings or
    depth) is fixed by the measurements above. The limit itself is yours to
    choose, so there is no automatic fix.

    ## References
    - [Pydantic: Field constraints](https://docs.pydantic.dev/latest/concepts/fields/#length-constraints)
    - [FastAPI: Request body](https://fastapi.tiangolo.com/tutorial/body/)
    - [OWASP API4:2023 Unrestricted Resource Consumption](https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/)
    """

    code = "FAP303"
    name = "unbounded-request-body"
    category: ClassVar[Category] = Category.PYDANTIC
    summary = "A request-body model accepts lists of nested models of any length"

    def visit_function(self, fn: FunctionInfo, ctx: RuleContext) -> Iterable[Finding]:
        route = ctx.route(fn)
        if (route is None and not ctx.is_dependency(fn)) or (route is not None and route.websocket):
            return
        for param in fn.params.values():
            body = _body_model(param, fn, ctx.resolver)
            if body is None:
                continue
            model, list_body = body
            found: dict[tuple[str, str], pm.FieldDecl] = {}
            _unbounded(model, ctx.resolver, found, set(), 0)
            if not found and not list_body:
                continue
            names = (["the body list itself"] if list_body else []) + [f"`{owner}.{field}`" for owner, field in found]
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            written = ctx.source(param.annotation) if param.annotation is not None else model.name
            message = (
                f"Request body `{param.name}: {written if len(written) <= 40 and chr(10) not in written else model.name}` "
                f"accepts lists of any length ({shown}); limit them with `Field(max_length=...)`"
                + (" (the body list with `Body(max_length=...)`)" if list_body else "")
            )
            related = tuple(r for r in (_location(field, ctx) for field in found.values()) if r)
            yield ctx.finding(self.code, param.node, message, related=related)


def _body_model(param: Param, fn: FunctionInfo, resolver: Resolver) -> tuple[ClassInfo, bool] | None:
    """(model, whether the body is an unbounded list of it) when FastAPI reads ``param`` from the body."""
    scope = fn.parent
    metadata = [param.default] if param.default is not None else []
    annotation = param.annotation
    if type(annotation) is ast.Name:  # ``OrderBody = Annotated[Order, Body()]``
        binding = resolver.module.bindings.get(annotation.id)
        if binding is not None and binding.kind == "var" and type(binding.value) is ast.Subscript:
            annotation, scope = binding.value, None
    annotation, more = pm.split_annotated(annotation, resolver, scope)
    metadata += more
    if any(pm.call_name(marker, resolver, scope) in _NOT_BODY for marker in metadata):
        return None
    found = pm.members(annotation, resolver, scope)
    if len(found) != 1:
        return None
    model = pm.local_model(found[0], resolver, scope)
    if model is not None:
        return model, False
    head, args = pm.subscript(found[0], resolver, scope)
    items = pm.members(args[-1], resolver, scope) if head in _COLLECTIONS and args else []
    model = pm.local_model(items[0], resolver, scope) if len(items) == 1 else None
    return (model, not any(pm.has_length_bound(m) for m in metadata)) if model is not None else None


def _unbounded(cls: ClassInfo, resolver: Resolver, found: dict, seen: set[str], depth: int) -> None:
    """Collect the unbounded collections of models in ``cls`` and in the models nested in it."""
    if cls.qualname in seen or depth > _MAX_DEPTH:
        return
    seen.add(cls.qualname)
    checked = pm.early_checked_fields(cls, resolver)
    for field in pm.fields(cls, resolver):
        annotation, metadata = pm.split_annotated(field.annotation, resolver)
        metadata += [field.default] if field.default is not None else []
        bounded = any(pm.has_length_bound(m) for m in metadata) or bool({field.name, "*"} & checked)
        for member in pm.members(annotation, resolver):
            head, args = pm.subscript(member, resolver)
            if pm.call_name(member, resolver) in _CONSTRAINED:
                collection, bounded_here, args = True, pm.has_length_bound(member), member.args[:1]
            else:
                collection = (head or pm.type_name(member, resolver)) in _COLLECTIONS
                fixed_tuple = head in ("tuple", "Tuple") and not any(type(a) is ast.Constant and a.value is Ellipsis for a in args)
                bounded_here = bounded or fixed_tuple
            if collection and not bounded_here and _models_in(args, resolver):
                found.setdefault((field.owner.name, field.name), field)
            for model in _models_in([member], resolver):
                _unbounded(model, resolver, found, seen, depth + 1)


def _models_in(types: list[ast.expr], resolver: Resolver, depth: int = 0) -> list[ClassInfo]:
    """The models of this file that type expressions mention: ``Line``, ``list[Line]``, ``dict[str, list[Line]]``."""
    models = []
    for expr in types:
        for member in pm.members(pm.split_annotated(expr, resolver)[0], resolver):
            model = pm.local_model(member, resolver)
            if model is not None:
                models.append(model)
            elif depth < _MAX_DEPTH:
                args = member.args[:1] if pm.call_name(member, resolver) in _CONSTRAINED else pm.subscript(member, resolver)[1]
                models += _models_in(args, resolver, depth + 1)
    return models


def _location(field: pm.FieldDecl, ctx: RuleContext) -> Related | None:
    """Where the unbounded field is declared, in the chunk of its (top-level) class."""
    index = ctx.module.symbols.binding_chunk.get(field.owner.name)
    if index is None or index >= len(ctx.module.chunks):
        return None
    chunk = ctx.module.chunks[index]
    anchor = None if chunk is ctx.chunk else field.owner.name
    return Related(f"`{field.owner.name}.{field.name}` has no length limit", chunk.node_range(field.node), anchor=anchor)

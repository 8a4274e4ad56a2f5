from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import ClassVar

from ...analysis import (
    ROUTE_DECORATORS,
    Applicability,
    Edit,
    Finding,
    Fix,
    FunctionInfo,
    Position,
    Range,
    Related,
    RuleContext,
)
from ..base import Category, FixAvailability, Rule

_ASYNC = re.compile(r"async\s+")


class AsyncEndpointWithoutAwait(Rule):
    """
    ## What it does
    Checks for `async def` routes and dependencies that never `await`
    (no `await`, `async for` or `async with` in their own body) but do work
    that is likely slow: a blocking call (directly or through a sync helper),
    a method of an injected session, client, repository or service
    (`db.query(...)`), or a call that hands such a resource to another
    function (`crud.get_items(db)`).

    ## Why is this bad?
    FastAPI runs `async def` endpoints and dependencies on the event loop
    and plain `def` ones in a threadpool. An `async def` that never awaits
    gains nothing from the loop, and its I/O holds up every other request.
    As a `def` it would run in a worker thread instead.

    A body that only builds and returns data (constructing models, reading
    settings, formatting) is not reported, and neither is a call whose cost
    cannot be seen from here (a helper from another module called with
    plain values): for cheap work the loop is faster than a thread hop.

    ## Example
    ```python
    from fastapi import Depends, FastAPI

    from .db import get_session
    from .repository import load_orders

    app = FastAPI()


    @app.get("/orders")
    async def list_orders(session=Depends(get_session)):
        return load_orders(session)
    ```

    Use instead:
    ```python
    from fastapi import Depends, FastAPI

    from .db import get_session
    from .repository import load_orders

    app = FastAPI()


    @app.get("/orders")
    def list_orders(session=Depends(get_session)):
        return load_orders(session)
    ```

    ## Fix safety
    The fix removes `async`. It is unsafe: the function then runs in a
    worker thread, so it must be thread-safe, and any code that awaits it
    directly (a test, another function) breaks. It is offered only when the
    function has no decorators other than route decorators, since another
    decorator may require a coroutine function.

    ## References
    - [FastAPI: Concurrency and async / await](https://fastapi.tiangolo.com/async/#path-operation-functions)
    - [FastAPI: Dependencies with `def` and `async def`](https://fastapi.tiangolo.com/async/#dependencies)
    """

    code = "FAP201"
    name = "async-endpoint-without-await"
    category: ClassVar[Category] = Category.ASYNC_DEF
    summary = "An `async def` route or dependency never awaits but does I/O on the event loop"
    fix_availability: ClassVar[FixAvailability] = FixAvailability.SOMETIMES

    def visit_function(self, fn: FunctionInfo, ctx: RuleContext) -> Iterable[Finding]:
        if not fn.is_async or fn.awaits:
            return
        route = ctx.route(fn)
        if route is not None and route.websocket:
            return
        if route is None and not ctx.is_dependency(fn):
            return
        costly = ctx.module.cost.first_costly_call(fn)
        if costly is None or ctx.serves_no_request(fn) is not None:
            return  # nothing slow, or a route of a test application
        callee = ctx.source(costly.node.func)
        if "\n" in callee or len(callee) > 60:
            qualname = ctx.callee(costly)
            callee = ctx.display(qualname) if qualname else "a call"
        role = "route" if route is not None else "dependency"
        message = (
            f"`async def {fn.name}` is a {role} that never awaits, so `{callee}()` runs on the "
            f"event loop; as a `def` it would run in the threadpool"
        )
        related = (Related(f"`{callee}()` is likely slow", ctx.range(costly.node)),)
        yield ctx.finding(self.code, ctx.name_range(fn), message, fix=_to_def(fn, ctx), related=related)


def _to_def(fn: FunctionInfo, ctx: RuleContext) -> Fix | None:
    for decorator in fn.node.decorator_list:
        target = decorator.func if type(decorator) is ast.Call else decorator
        if not (type(target) is ast.Attribute and target.attr in ROUTE_DECORATORS):
            return None
    start = ctx.chunk.position(fn.node.lineno, fn.node.col_offset)
    line = ctx.chunk.line(start.line)
    match = _ASYNC.match(line, start.column)
    if match is None:
        return None
    edit = Edit(Range(start, Position(start.line, match.end())), "")
    return Fix("Convert to `def`", Applicability.UNSAFE, (edit,), isolation=ctx.range(fn.node))

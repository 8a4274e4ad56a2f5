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
    (`db.query(...)`), a call that hands such a resource to another
    function (`crud.get_items(db)`), or a loop whose length the request
    decides (`sum(i * i for i in range(n))` with `n` a query parameter, a
    loop over a body list that calls a function per item). The message
    names the costly call (the catalogued blocking call before a helper it
    is handed to).

    ## Why is this bad?
    FastAPI runs `async def` endpoints and dependencies on the event loop
    and plain `def` ones in a threadpool. An `async def` that never awaits
    gains nothing from the loop, and its I/O holds up every other request.
    As a `def` it would run in a worker thread instead.

    A body that only builds and returns data (constructing models, reading
    settings, formatting) is not reported, and neither is a call whose cost
    cannot be seen from here (a helper from another module called with
    plain values): for cheap work the loop is faster than a thread hop.
    Nor are a dependency that only builds a service object around what it
    is given (`return Locker(redis)`, unless the class's `__init__` blocks),
    resources of an async type (an `AsyncSession` cannot be used without
    `await`), calling an `async def` or generator function (an async
    generator handed to `StreamingResponse` is iterated by the response), or
    routes of code that serves no request (a test application; see
    `include-non-request-code`).

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
    worker thread, so it must be thread-safe. It is not offered when code of
    the workspace calls the function itself (`await get_user(request)` in a
    permission class, a test that awaits the dependency), which the
    conversion would break; nor when the function has decorators other than
    route decorators, since another decorator may require a coroutine
    function.

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
        registered = route is None and ctx.registered_route(fn)
        if route is None and not registered and not ctx.is_dependency(fn):
            return
        cost = ctx.module.cost
        costly = cost.costliest_call(fn)
        loop = cost.request_sized_loop(fn) if costly is None else None
        if (costly is None and loop is None) or ctx.serves_no_request(fn) is not None:
            return  # nothing slow, or a route of a test application
        role = "route" if route is not None or registered else "dependency"
        if costly is not None:
            callee = ctx.source(costly.node.func)
            if "\n" in callee or len(callee) > 60:
                qualname = ctx.callee(costly)
                callee = ctx.display(qualname) if qualname else "a call"
            work, where, note = f"`{callee}()` runs", costly.node, f"`{callee}()` is likely slow"
        else:
            spelled = ctx.source(loop)
            shown = f" (`{spelled}`)" if "\n" not in spelled and len(spelled) <= 60 else ""
            work, where = f"a loop whose length the request decides{shown} runs", loop
            note = "the loop's length comes from the request"
        message = (
            f"`async def {fn.name}` is a {role} that never awaits, so {work} on the "
            f"event loop; as a `def` it would run in the threadpool"
        )
        related = (Related(note, ctx.range(where)),)
        yield ctx.finding(self.code, ctx.name_range(fn), message, fix=_to_def(fn, ctx), related=related)


def _to_def(fn: FunctionInfo, ctx: RuleContext) -> Fix | None:
    for decorator in fn.node.decorator_list:
        target = decorator.func if type(decorator) is ast.Call else decorator
        if not (type(target) is ast.Attribute and target.attr in ROUTE_DECORATORS):
            return None
    if ctx.called_directly(fn):
        return None  # code that awaits it (a test, another dependency) would break
    start = ctx.chunk.position(fn.node.lineno, fn.node.col_offset)
    line = ctx.chunk.line(start.line)
    match = _ASYNC.match(line, start.column)
    if match is None:
        return None
    edit = Edit(Range(start, Position(start.line, match.end())), "")
    return Fix("Convert to `def`", Applicability.UNSAFE, (edit,), isolation=ctx.range(fn.node))

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import ClassVar

from ...analysis import (
    ROUTE_DECORATORS,
    Applicability,
    CallSite,
    Edit,
    Finding,
    Fix,
    FunctionInfo,
    Instance,
    Range,
    Ref,
    RuleContext,
    catalog,
)
from ..base import Category, FixAvailability, Rule

_DEF = re.compile(r"def\s")


class SyncEndpointCallsAsync(Rule):
    """
    ## What it does
    Checks `def` routes and dependencies that call a coroutine function
    without awaiting it (an `async def` of this project, or an async API
    such as `AsyncClient.get` or `AsyncSession.execute`), or that create a
    client that only works with `await` (`httpx.AsyncClient()`,
    `aiohttp.ClientSession()`, `redis.asyncio.Redis()`).

    ## Why is this bad?
    FastAPI runs a `def` endpoint in a worker thread, where there is no
    `await`: calling a coroutine function there only creates a coroutine
    object, which never runs (Python warns "coroutine was never awaited"),
    or is returned to FastAPI, which cannot serialise it. Async clients
    created there cannot be used at all.

    Not reported: coroutines handed to something that runs them
    (`asyncio.run`, `asyncio.run_coroutine_threadsafe`, `StreamingResponse`
    with an async generator), async generators (calling one only creates an
    iterator), and `async def` dependencies of a `def` route, which FastAPI
    awaits itself.

    ## Example
    ```python
    import httpx
    from fastapi import FastAPI

    app = FastAPI()
    client = httpx.AsyncClient()


    @app.get("/rates")
    def rates():
        response = client.get("https://rates.example.com/latest")
        return response.json()
    ```

    Use instead:
    ```python
    import httpx
    from fastapi import FastAPI

    app = FastAPI()
    client = httpx.AsyncClient()


    @app.get("/rates")
    async def rates():
        response = await client.get("https://rates.example.com/latest")
        return response.json()
    ```

    ## Fix safety
    The fix makes the function `async def` and adds `await` to its
    coroutine calls. It is unsafe: the function moves from the threadpool to
    the event loop, and code that calls it directly must now await it. It is
    offered only when nothing else in the function would block the loop, the
    function has no decorators other than route decorators, and every
    finding in it is an un-awaited coroutine call.

    ## References
    - [FastAPI: Concurrency and async / await](https://fastapi.tiangolo.com/async/)
    - [Python docs: Coroutines and Tasks](https://docs.python.org/3/library/asyncio-task.html#coroutines)
    """

    code = "FAP202"
    name = "sync-endpoint-calls-async"
    category: ClassVar[Category] = Category.ASYNC_DEF
    summary = "A `def` route or dependency calls async code it cannot await"
    fix_availability: ClassVar[FixAvailability] = FixAvailability.SOMETIMES

    def visit_function(self, fn: FunctionInfo, ctx: RuleContext) -> Iterable[Finding]:
        if fn.is_async:
            return
        route = ctx.route(fn)
        if route is None and not ctx.is_dependency(fn):
            return
        problems = [(call, kind) for call in fn.calls if (kind := _problem(call, ctx)) is not None]
        if not problems:
            return
        fix = _to_async(fn, [c for c, k in problems], ctx) if all(k == "coroutine" for _, k in problems) else None
        for call, kind in problems:
            name = ctx.source(call.node.func)
            if kind == "coroutine":
                message = f"`def {fn.name}` calls coroutine function `{name}()` without awaiting it: the coroutine never runs"
            else:
                message = f"`def {fn.name}` creates `{name}()`, which only works with `await` inside `async def`"
            yield ctx.finding(self.code, call.node, message, fix=fix)


def _problem(call: CallSite, ctx: RuleContext) -> str | None:
    if call.in_lambda or call.awaited:
        return None
    value = ctx.resolver.value_of(call.node.func, call.function)
    if type(value) is not Ref:
        return None
    qualname = value.qualname
    if qualname in catalog.ASYNC_CLIENTS:
        return "client"
    if not _is_coroutine_function(qualname, ctx):
        return None
    if _consumed(call, ctx):
        return None
    return "coroutine"


def _is_coroutine_function(qualname: str, ctx: RuleContext) -> bool:
    local = ctx.resolver.local_function(qualname)
    if local is not None:
        return local.is_async and not local.is_generator
    owner, _, method = qualname.rpartition(".")
    if method in catalog.ASYNC_METHODS.get(catalog.SAME_METHODS_AS.get(owner, owner), ()):
        return True
    if qualname in catalog.ASYNC_FUNCTIONS:
        return True
    index = ctx.resolver.index
    # This file's functions were found above; its other names (a class, a value) are no coroutine
    # function. Asking the index would summarise the open document again after every settle.
    if index is not None and not ctx.resolver.is_own(qualname):
        from ...analysis import FunctionExport

        found = index.lookup(qualname)
        return isinstance(found, FunctionExport) and found.is_async and not found.is_generator
    return False


def _consumed(call: CallSite, ctx: RuleContext) -> bool:
    """True if the coroutine goes straight into something that runs it."""
    parent = call.parent
    if type(parent) is not ast.Call or parent.func is call.node:
        return False
    consumer = ctx.resolver.value_of(parent.func, call.function)
    if type(consumer) is Ref:
        return consumer.qualname in catalog.COROUTINE_CONSUMERS or consumer.qualname.endswith(".run_until_complete")
    if type(consumer) is Instance:
        return False
    return type(parent.func) is ast.Attribute and parent.func.attr in ("run_until_complete", "run_coroutine_threadsafe")


def _to_async(fn: FunctionInfo, calls: list[CallSite], ctx: RuleContext) -> Fix | None:
    for decorator in fn.node.decorator_list:
        target = decorator.func if type(decorator) is ast.Call else decorator
        if not (type(target) is ast.Attribute and target.attr in ROUTE_DECORATORS):
            return None
    if any(ctx.module.blocking.direct(c) or ctx.module.blocking.reasons(c) for c in fn.calls if not c.in_lambda):
        return None  # as a coroutine it would block the loop
    if any(call.in_generator for call in calls):
        return None  # `await` would make the generator expression asynchronous
    start = ctx.chunk.position(fn.node.lineno, fn.node.col_offset)
    if not _DEF.match(ctx.chunk.line(start.line), start.column):
        return None
    edits = [Edit(Range(start, start), "async ")]
    for call in calls:
        span = ctx.range(call.node)
        wrap = type(call.parent) in (ast.Attribute, ast.Subscript) and call.parent.value is call.node
        edits.append(Edit(Range(span.start, span.start), "(await " if wrap else "await "))
        if wrap:
            edits.append(Edit(Range(span.end, span.end), ")"))
    return Fix("Make it `async def` and await the coroutine", Applicability.UNSAFE, tuple(edits), isolation=ctx.range(fn.node))




from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import ClassVar

from ...analysis.context import RuleContext
from ...analysis.facts import FunctionInfo
from ...analysis.findings import Applicability, Edit, Finding, Fix
from ...analysis.fixes import object_alias
from ...analysis.resolve import Ref
from ..base import Category, FixAvailability, Rule

_FUNCTOOLS = {"functools.lru_cache": "lru_cache", "functools.cache": "cache"}
_CACHETOOLS = frozenset(
    "cachetools.cached cachetools.func.lru_cache cachetools.func.ttl_cache cachetools.func.lfu_cache "
    "cachetools.func.fifo_cache cachetools.func.rr_cache cachetools.func.mru_cache".split()
)


class LruCacheOnAsync(Rule):
    """
    ## What it does
    Checks for `functools.lru_cache`, `functools.cache` and the `cachetools`
    decorators applied to an `async def`.

    ## Why is this bad?
    These decorators cache what the function returns, and an `async def`
    returns a coroutine object, not its result. The first caller awaits the
    cached coroutine; every later caller gets the same, already-awaited
    coroutine and fails with `RuntimeError: cannot reuse already awaited
    coroutine`. Nothing is cached that is worth caching.

    ## Example
    ```python
    from functools import lru_cache

    import httpx
    from fastapi import FastAPI

    app = FastAPI()
    client = httpx.AsyncClient()


    @lru_cache(maxsize=32)
    async def exchange_rates(currency: str):
        response = await client.get(f"https://rates.example.com/{currency}")
        return response.json()
    ```

    Use instead:
    ```python
    from async_lru import alru_cache

    import httpx
    from fastapi import FastAPI

    app = FastAPI()
    client = httpx.AsyncClient()


    @alru_cache(maxsize=32)
    async def exchange_rates(currency: str):
        response = await client.get(f"https://rates.example.com/{currency}")
        return response.json()
    ```

    ## Fix safety
    For `functools.lru_cache` and `functools.cache` the fix switches to
    `async_lru.alru_cache` with the same size (`cache` becomes
    `alru_cache(maxsize=None)`) and adds the import. It is unsafe: it adds a
    dependency on the `async-lru` package, and an `alru_cache` belongs to
    the event loop it first ran on. The `cachetools` decorators get no fix;
    `aiocache.cached` or `cachetools-async` are their async counterparts.

    ## References
    - [async-lru](https://github.com/aio-libs/async-lru)
    - [Python docs: `functools.lru_cache`](https://docs.python.org/3/library/functools.html#functools.lru_cache)
    """

    code = "FAP601"
    name = "lru-cache-on-async"
    category: ClassVar[Category] = Category.CACHING
    summary = "A result cache decorates an `async def` and caches coroutine objects"
    fix_availability: ClassVar[FixAvailability] = FixAvailability.SOMETIMES
    fastapi_only: ClassVar[bool] = False

    def visit_function(self, fn: FunctionInfo, ctx: RuleContext) -> Iterable[Finding]:
        if not fn.is_async:
            return
        for decorator in fn.node.decorator_list:
            target = decorator.func if type(decorator) is ast.Call else decorator
            value = ctx.resolver.value_of(target, fn.parent)
            if type(value) is not Ref:
                continue
            qualname = value.qualname
            if qualname in _FUNCTOOLS:
                name = _FUNCTOOLS[qualname]
                message = f"`@{name}` on `async def {fn.name}` caches the coroutine object, not its result"
                yield ctx.finding(self.code, decorator, message, fix=_alru_fix(decorator, qualname, fn, ctx))
            elif qualname in _CACHETOOLS:
                message = f"`@{ctx.display(qualname)}` on `async def {fn.name}` caches the coroutine object, not its result"
                yield ctx.finding(self.code, decorator, message)


def _alru_fix(decorator: ast.expr, qualname: str, fn: FunctionInfo, ctx: RuleContext) -> Fix | None:
    alias = object_alias(ctx, "async_lru.alru_cache", fn.parent)
    if alias is None:
        return None
    name, request = alias
    if qualname == "functools.cache":
        if type(decorator) is ast.Call:
            return None
        replacement_range, text = ctx.range(decorator), f"{name}(maxsize=None)"
    else:
        target = decorator.func if type(decorator) is ast.Call else decorator
        replacement_range, text = ctx.range(target), name
    return Fix(
        f"Use `{name}` from async-lru",
        Applicability.UNSAFE,
        (Edit(replacement_range, text),),
        imports=(request,) if request else (),
    )

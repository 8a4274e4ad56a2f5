from __future__ import annotations

import ast
import re
import weakref
from collections.abc import Iterable
from typing import ClassVar

from ...analysis.aggregates import CACHE_DECORATORS
from ...analysis.context import RuleContext
from ...analysis.dependency_facts import is_db_handle, param_dependency
from ...analysis.dependency_tree import dependency_tree
from ...analysis.facts import FunctionInfo
from ...analysis.findings import Finding, Severity
from ...analysis.resolve import Ref
from ..base import Category, Rule

REFERENCE_SEGMENTS = frozenset(
    """
    countries country currencies currency languages locales timezones time-zones categories regions plans pricing
    units enums choices constants features feature-flags flags
    """.split()
)
"""The last literal path segment of routes that serve reference data."""
_AUTH = re.compile(r"(?i)auth|user|token|login|permission|scope|role|admin|api_?key|verify|credential|principal|jwt|bearer|current|access|session")


class MissingCacheControl(Rule):
    """
    ## What it does
    Checks for public GET routes that serve reference data without a
    `Cache-Control` header. A route counts as *public* when nothing in its
    dependency tree (endpoint, decorator, router and application
    `dependencies=[...]`, sub-dependencies, across files) authenticates: no
    `Security(...)`, no `fastapi.security` scheme, and no dependency named for
    users, tokens, roles, permissions or API keys. It serves *reference
    data* when its path has no parameters, it takes no query parameters, and
    it returns a module-level constant collection or its last path segment
    names reference data (`/countries`, `/currencies`, `/categories`,
    `/plans`, `/features`...). Monitoring endpoints (`/version`, `/health`,
    `/config`) are not reference data: they must reflect the running server.

    A route is not reported when `Cache-Control` appears anywhere in it or
    in its file (a header set on the response, a middleware), or when a
    caching decorator such as fastapi-cache's `@cache` (which sets the
    header) is on it. Off by default, with severity *info*: whether a
    response may be cached by browsers and proxies is the application's
    decision, and middleware in another file is not seen.

    ## Why is this bad?
    Without `Cache-Control`, every page view asks the server again for data
    that changes once a release. With `Cache-Control: public, max-age=300`
    browsers and CDNs answer from their cache, and the request never
    reaches the application. Measured with
    `python tests/benchmarks/bench_aggregate.py` (FastAPI 0.165, three runs
    on a shared 2-core machine): serving a constant list of 8 currencies
    cost the server 0.23–0.32 ms per request (3,100–4,300 requests/s for
    one worker). That is little per request, which is why the rule is
    *info* and off by default: the gain is the client's round trip and the
    total load from many clients, and whether a response may be cached is
    the application's decision.

    ## Example
    ```python
    from fastapi import FastAPI

    app = FastAPI()

    CURRENCIES = [{"code": "EUR", "symbol": "€"}, {"code": "USD", "symbol": "$"}]


    @app.get("/currencies")
    def currencies():
        return CURRENCIES
    ```

    Use instead:
    ```python
    from fastapi import FastAPI, Response

    app = FastAPI()

    CURRENCIES = [{"code": "EUR", "symbol": "€"}, {"code": "USD", "symbol": "$"}]


    @app.get("/currencies")
    def currencies(response: Response):
        response.headers["Cache-Control"] = "public, max-age=3600"
        return CURRENCIES
    ```

    ## Fix safety
    No fix is offered: the right `max-age` is the application's choice.

    ## References
    - [MDN: Cache-Control](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Cache-Control)
    - [FastAPI: Response headers](https://fastapi.tiangolo.com/advanced/response-headers/)
    """

    code = "FAP603"
    name = "missing-cache-control"
    category: ClassVar[Category] = Category.CACHING
    summary = "A public GET route serves reference data without `Cache-Control`"
    default_enabled: ClassVar[bool] = False
    default_severity: ClassVar[Severity] = Severity.INFO

    def visit_function(self, fn: FunctionInfo, ctx: RuleContext) -> Iterable[Finding]:
        route = ctx.route(fn)
        if route is None or route.websocket or "GET" not in route.methods or route.path is None or "{" in route.path:
            return
        if _request_inputs(fn, ctx) or _mentions_cache_control(fn, ctx) or _cached(fn, ctx):
            return
        segment = route.path.rstrip("/").rpartition("/")[2].lower()
        constant = _returned_constant(fn, ctx)
        if segment not in REFERENCE_SEGMENTS and constant is None:
            return
        for node in dependency_tree(route, ctx.module):
            if node.ref.security or _AUTH.search(node.ref.label) or _AUTH.search(node.ref.target or ""):
                return
        what = f"the constant `{constant}`" if constant else f"`{route.path}`"
        message = (
            f"Public GET route `{fn.name}` serves reference data ({what}) without `Cache-Control`; "
            f"let browsers and proxies cache it (`Cache-Control: public, max-age=...`)"
        )
        yield ctx.finding(self.code, ctx.name_range(fn), message)


def _request_inputs(fn: FunctionInfo, ctx: RuleContext) -> bool:
    """Parameters other than injected dependencies and sessions: the response varies with the request."""
    for name, param in fn.params.items():
        if param_dependency(fn, name, ctx.module) is not None:
            continue
        if is_db_handle(ast.Name(name, ast.Load()), fn, ctx.module):
            continue
        annotated = ctx.resolver.annotation_type(param.annotation, fn.parent) if param.annotation is not None else None
        if annotated in ("fastapi.BackgroundTasks",):
            continue
        return True  # a path, query, header or body value, or the request itself
    return False


_MENTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CACHE_WORD = re.compile("cache", re.IGNORECASE)  # loose: "Cache-" "Control" is one string to ``ast``


def _mentions_cache_control(fn: FunctionInfo, ctx: RuleContext) -> bool:
    """``Cache-Control`` in the route, or anywhere in the file outside other routes (a middleware, a helper)."""
    if _mentions(fn.node):
        return True
    module = ctx.module
    if module not in _MENTIONS:
        found = False
        for chunk in module.chunks:
            if chunk.text and _CACHE_WORD.search(chunk.text) is None:
                continue  # an open document's statement that cannot mention it: not walked on every edit
            facts = chunk.facts
            routes = {id(f.node) for f in (facts.functions if facts else ()) if f.parent is None and ctx.route(f)}
            found = any(id(s) not in routes and _mentions(s) for s in chunk.statements)
            if found:
                break
        _MENTIONS[module] = found
    return _MENTIONS[module]


def _mentions(node: ast.AST) -> bool:
    return any(type(n) is ast.Constant and isinstance(n.value, str) and "cache-control" in n.value.lower() for n in ast.walk(node))


def _cached(fn: FunctionInfo, ctx: RuleContext) -> bool:
    for decorator in fn.node.decorator_list:
        target = decorator.func if type(decorator) is ast.Call else decorator
        value = ctx.resolver.value_of(target, fn.parent)
        if type(value) is Ref and (value.qualname in CACHE_DECORATORS or value.qualname.startswith(("fastapi_cache.", "cashews."))):
            return True
    return False


def _returned_constant(fn: FunctionInfo, ctx: RuleContext) -> str | None:
    """A module-level name bound to a literal collection that the route returns."""
    for result in fn.results:
        if type(result) is not ast.Name or fn.binds_locally(result.id):
            continue
        binding = ctx.module.symbols.bindings.get(result.id)
        if binding is None or binding.kind != "var" or binding.value is None:
            continue
        if type(binding.value) in (ast.List, ast.Tuple, ast.Dict, ast.Set) and (
            getattr(binding.value, "elts", None) or getattr(binding.value, "keys", None)
        ):
            return result.id
    return None

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import ClassVar

from ...analysis import CallSite, Finding, FunctionInfo, RuleContext, catalog
from ..base import Category, Rule


class ClientPerRequest(Rule):
    """
    ## What it does
    Checks for HTTP clients, database engines and other pooled clients
    created inside a route or dependency, so once per request:
    `httpx.AsyncClient()`, `httpx.Client()`, `requests.Session()`,
    `aiohttp.ClientSession()`, `create_engine()`, `create_async_engine()`,
    `redis.Redis()`, `MongoClient()`, `boto3.client()`, Elasticsearch
    clients, the OpenAI and Anthropic SDK clients (`AsyncOpenAI()`,
    `AsyncAnthropic()`, each with an HTTP pool of its own), `aioboto3`
    sessions and clients — including the `async with httpx.AsyncClient() as
    client:` that many tutorials show inside the endpoint. A coroutine that
    routes call (in this file or another: a service method, an LLM client's
    `request_async`, a URL probe) is reported too when it makes the client,
    uses it and drops it on every call; one that hands the client on
    (returns it, keeps it on `self` or in a container) is a factory, and its
    caller decides how long the client lives.

    Not reported: an HTTPX client over a transport made once at module level
    (`httpx.AsyncClient(transport=_transport)`: the transport is the pool,
    and it is shared), and a client made on the miss path of a module-level
    cache (`global _KEY` ... `if _KEY: return ...`) or in a memoised
    function, which runs once per process.

    ## Why is this bad?
    These objects own a connection pool (and sometimes threads and
    credential lookups). Made per request, every request pays for new TCP
    and TLS handshakes (or a new database connection) and throws the pool
    away; under load, sockets pile up in `TIME_WAIT`. Created once, in the
    application's lifespan, the pool is reused across requests.

    ## Example
    ```python
    import httpx
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/weather")
    async def weather(city: str):
        async with httpx.AsyncClient() as client:
            response = await client.get("https://api.example.com/weather", params={"city": city})
        return response.json()
    ```

    Use instead:
    ```python
    from contextlib import asynccontextmanager

    import httpx
    from fastapi import FastAPI, Request


    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with httpx.AsyncClient() as client:
            app.state.http = client
            yield


    app = FastAPI(lifespan=lifespan)


    @app.get("/weather")
    async def weather(city: str, request: Request):
        response = await request.app.state.http.get("https://api.example.com/weather", params={"city": city})
        return response.json()
    ```

    ## Fix safety
    No fix is offered: where the shared client lives (lifespan, module
    level, a dependency with `@lru_cache`) is an application decision.

    ## References
    - [HTTPX: Clients](https://www.python-httpx.org/advanced/clients/)
    - [FastAPI: Lifespan events](https://fastapi.tiangolo.com/advanced/events/)
    - [SQLAlchemy: Engine configuration](https://docs.sqlalchemy.org/en/20/core/engines.html)
    """

    code = "FAP604"
    name = "client-per-request"
    category: ClassVar[Category] = Category.CACHING
    summary = "A pooled client or engine is created on every request"

    def visit_call(self, call: CallSite, ctx: RuleContext) -> Iterable[Finding]:
        fn = call.function
        if fn is None or call.in_lambda:
            return
        # Routes and dependencies first (known once per function): resolving every call of
        # every other function summarised half the imports of a large project for nothing.
        route = ctx.route(fn)
        serving = route is not None or ctx.is_dependency(fn)
        if not serving and not (fn.is_async and _names_a_client(call.node.func) and _used_here_only(call, fn)):
            return  # a helper: only a coroutine that makes a client, uses it and drops it
        qualname = ctx.callee(call)
        what = catalog.CLIENT_CONSTRUCTORS.get(qualname or "")
        if what is None:
            return
        if qualname in catalog.HTTPX_CLIENTS and _shared_transport(call, ctx):
            return  # the pool is the module's transport: this client only wraps it
        if ctx.module.blocking.memoized(fn) or _fills_a_cache(fn):
            return  # made on a cache miss, once per process
        keyword = "async def" if fn.is_async else "def"
        if serving:
            role = "route" if route is not None else "dependency"
            message = (
                f"`{ctx.source(call.node.func)}()` creates {what} on every request in {role} `{keyword} {fn.name}`; "
                f"create it once for the application and reuse it"
            )
        else:
            if fn.name in _SET_UP or ctx.serves_no_request(fn) is not None or not ctx.called_directly(fn):
                return  # start-up, a CLI command, a worker, a coroutine nothing calls: no request makes it
            message = (
                f"`{ctx.source(call.node.func)}()` creates {what} on every call of `{keyword} {fn.name}`, "
                f"which serves requests, and drops it when the call ends; create it once for the application and reuse it"
            )
        yield ctx.finding(self.code, call.node, message)


_SET_UP = frozenset({"__init__", "__aenter__", "__post_init__", "setup", "start", "startup", "connect", "lifespan", "main"})
_CLIENT_NAMES = frozenset(name.rpartition(".")[2] for name in catalog.CLIENT_CONSTRUCTORS)


def _names_a_client(func: ast.expr) -> bool:
    """Cheap first: the call is spelled like a client constructor (``AsyncClient``, ``client``)."""
    name = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else None
    return name in _CLIENT_NAMES


def _used_here_only(call: CallSite, fn: FunctionInfo) -> bool:
    """The client lives and dies in this call of ``fn``: bound to a local name (``client = AsyncOpenAI()``,
    ``async with httpx.AsyncClient() as client``) or used in place (``httpx.Client().get(url)``), and that
    name is never returned, yielded, stored in an attribute, a container or a global.

    A function that hands its client on (a factory, a ``connect()`` that keeps it on ``self``) leaves
    its lifetime to the caller, who may well keep it for the process; so does ``self.client or Client()``.
    """
    node = call.node
    name: str | None = None
    in_place = False
    for parent in ast.walk(fn.node):
        kind = type(parent)
        if kind in (ast.With, ast.AsyncWith):
            for item in parent.items:
                if item.context_expr is node:
                    if item.optional_vars is None:
                        in_place = True
                    elif type(item.optional_vars) is ast.Name:
                        name = item.optional_vars.id
        elif kind in (ast.Assign, ast.AnnAssign) and parent.value is node:
            targets = parent.targets if kind is ast.Assign else [parent.target]
            if len(targets) == 1 and type(targets[0]) is ast.Name:
                name = targets[0].id
        elif kind is ast.Attribute and parent.value is node:
            in_place = True
    if name is None:
        return in_place
    if name in fn.global_names:
        return False
    for other in ast.walk(fn.node):
        kind = type(other)
        if kind in (ast.Return, ast.Yield, ast.YieldFrom) and other.value is not None and _reads(other.value, name):
            return False
        if kind in (ast.Assign, ast.AnnAssign) and other.value is not None and _reads(other.value, name):
            return False  # ``self._client = client``: kept
        if kind in (ast.List, ast.Tuple, ast.Set, ast.Dict) and any(_is_name(e, name) for e in _elements(other)):
            return False
    return True


def _elements(node: ast.AST) -> list[ast.expr]:
    if type(node) is ast.Dict:
        return [v for v in node.values if v is not None]
    return list(node.elts)


def _is_name(expr: ast.AST, name: str) -> bool:
    return type(expr) is ast.Name and expr.id == name


def _reads(expr: ast.expr, name: str) -> bool:
    """The value returned is the client or holds it (``return client``, ``return client, cfg``), not what it answered."""
    return _is_name(expr, name) or (type(expr) in (ast.Tuple, ast.List) and any(_is_name(e, name) for e in expr.elts))


def _shared_transport(call: CallSite, ctx: RuleContext) -> bool:
    """``httpx.AsyncClient(transport=_transport)`` with a transport made once, at module level."""
    for keyword in call.node.keywords:
        if keyword.arg != "transport":
            continue
        value = keyword.value
        root = value
        while type(root) is ast.Attribute:
            root = root.value
        if type(root) is not ast.Name or call.function is None:
            return False
        if any(scope.binds_locally(root.id) for scope in _scopes(call.function)):
            return False
        return root.id in ctx.module.symbols.bindings
    return False


def _fills_a_cache(fn: FunctionInfo) -> bool:
    """``global _KEY`` ... ``if _KEY: return ...``: the function answers from a module-level cache first."""
    if not fn.global_names:
        return False
    for node in ast.walk(fn.node):
        if type(node) is not ast.If or not any(type(s) is ast.Return for s in node.body):
            continue
        if any(type(n) is ast.Name and n.id in fn.global_names for n in ast.walk(node.test)):
            return True
    return False


def _scopes(fn: FunctionInfo | None):
    while fn is not None:
        yield fn
        fn = fn.parent

from __future__ import annotations

import ast
from typing import ClassVar

from ...analysis import catalog
from ...analysis.blocking import BlockingReason
from ...analysis.context import RuleContext
from ...analysis.facts import CallSite
from ...analysis.findings import Applicability, Edit, Fix, Position, Range
from ...analysis.fixes import await_edits, module_alias, offload_fix
from ...analysis.resolve import Instance
from ..base import FixAvailability
from .common import BlockingCallRule

# requests' per-call options that httpx only accepts on the client.
_CLIENT_ONLY = frozenset({"verify", "cert", "proxies", "proxy", "stream", "hooks", "mounts"})
_SHARED_CLIENT = "http_client"


class BlockingHttpCall(BlockingCallRule):
    """
    ## What it does
    Checks for synchronous HTTP requests inside an `async def`: `requests`
    (functions and `Session` methods), `httpx.get()`/`httpx.post()`/... and
    sync `httpx.Client` methods, `urllib.request.urlopen`, `urllib3` and
    `http.client`, called directly or through a sync helper.

    ## Why is this bad?
    A synchronous request holds the event loop for the whole round trip, so
    every other request waits for the remote server too. An
    `httpx.AsyncClient` awaits the network instead. Create it once, for the
    application's lifespan, rather than per request: a client owns a
    connection pool, and reusing it saves the TCP and TLS handshakes that a
    fresh client pays on every call.

    ## Example
    ```python
    import requests

    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/weather/{city}")
    async def weather(city: str):
        response = requests.get(f"https://api.example.com/weather/{city}", timeout=5)
        return response.json()
    ```

    Use instead:
    ```python
    import httpx

    from fastapi import FastAPI

    app = FastAPI()
    http_client = httpx.AsyncClient()


    @app.get("/weather/{city}")
    async def weather(city: str):
        response = await http_client.get(f"https://api.example.com/weather/{city}", timeout=5)
        return response.json()
    ```

    ## Fix safety
    For `requests.get()`/`httpx.get()` and the other module-level functions
    the fix awaits the same call on a module-level `httpx.AsyncClient`
    (`http_client`, added after the imports, or an `AsyncClient` the module
    already has). It is unsafe: a shared client keeps cookies between calls;
    `requests` follows redirects by default, which the fix keeps by passing
    `follow_redirects=True`, but httpx applies a 5-second default timeout
    where `requests` waits forever, and `requests.Response` and
    `httpx.Response` differ in places (`.ok` is `.is_success`). No fix is
    offered when the call passes options that httpx accepts only on the
    client (`verify`, `cert`, `proxies`, `stream`, `hooks`); such a call is
    offloaded instead, as below. Close the client in the application's
    lifespan handler.

    For methods of a sync client or session and for `urllib`, the fix runs
    the same call in a worker thread (`await run_in_threadpool(...)`), which
    keeps its behaviour; it is unsafe only because the client object is then
    used from another thread.

    ## Options
    - `extend-blocking-calls`: more callables to report under this code.

    ## References
    - [HTTPX: Async support](https://www.python-httpx.org/async/)
    - [HTTPX: Requests compatibility](https://www.python-httpx.org/compatibility/)
    - [FastAPI: Lifespan events](https://fastapi.tiangolo.com/advanced/events/)
    """

    code = "FAP102"
    name = "blocking-http-call"
    direct_message = "Synchronous HTTP request `{target}()` blocks the event loop in `async def {function}`"
    summary = "A synchronous HTTP request blocks the event loop inside `async def`"
    fix_availability: ClassVar[FixAvailability] = FixAvailability.SOMETIMES

    def fix(self, call: CallSite, reason: BlockingReason, ctx: RuleContext) -> Fix | None:
        qualname = ctx.callee(call) or ""
        library, _, verb = qualname.rpartition(".")
        if library in ("requests", "httpx") and verb in catalog.HTTP_VERBS:
            swap = _async_client_fix(call, ctx, from_requests=library == "requests", verb=verb)
            # Options httpx takes only on a client (verify=False, proxies...): keep
            # the call as it is and move it to a worker thread instead.
            return swap or offload_fix(ctx, call, Applicability.UNSAFE)
        if qualname.startswith(("requests.Session.", "httpx.Client.", "urllib.", "urllib3.", "http.client.")):
            return offload_fix(ctx, call, Applicability.UNSAFE)
        return None


def _async_client_fix(call: CallSite, ctx: RuleContext, from_requests: bool, verb: str) -> Fix | None:
    node = call.node
    names = {k.arg for k in node.keywords}
    if None in names or names & _CLIENT_ONLY or any(type(a) is ast.Starred for a in node.args):
        return None
    timeout = next((k.value for k in node.keywords if k.arg == "timeout"), None)
    if from_requests and type(timeout) is ast.Tuple:
        return None  # requests' (connect, read) tuple means something else to httpx
    client, module_lines, imports = _shared_client(ctx, call)
    if client is None:
        return None
    edits = await_edits(ctx, call, f"{client}.{verb}")
    if edits is None:
        return None
    if from_requests:
        redirect = next((k for k in node.keywords if k.arg == "allow_redirects"), None)
        if redirect is not None:
            start = ctx.range(redirect).start
            end = Position(start.line, start.column + len("allow_redirects"))
            edits.append(Edit(Range(start, end), "follow_redirects"))
        elif verb != "head":
            arguments = [*node.args, *node.keywords]
            if arguments:
                last = max(arguments, key=lambda a: (a.lineno, a.col_offset))
                end = ctx.range(last).end
                edits.append(Edit(Range(end, end), ", follow_redirects=True"))
            else:
                paren = ctx.range(node).end
                inside = Position(paren.line, paren.column - 1)
                edits.append(Edit(Range(inside, inside), "follow_redirects=True"))
    return Fix(
        f"Use a shared `httpx.AsyncClient`: `await {client}.{verb}(...)`",
        Applicability.UNSAFE,
        tuple(edits),
        imports=imports,
        module_lines=module_lines,
    )


def _shared_client(ctx: RuleContext, call: CallSite):
    """An ``AsyncClient`` at module level: an existing one, or ``http_client`` to add."""
    for name, binding in ctx.module.symbols.bindings.items():
        if binding.kind == "var" and ctx.resolver.module_value(name) == Instance("httpx.AsyncClient"):
            if not call.function or not call.function.binds_locally(name):
                return name, (), ()
    if _SHARED_CLIENT in ctx.module.symbols.bindings or (call.function and call.function.binds_locally(_SHARED_CLIENT)):
        return None, (), ()
    alias = module_alias(ctx, "httpx", call.function)
    if alias is None:
        return None, (), ()
    httpx_name, request = alias
    return _SHARED_CLIENT, (f"{_SHARED_CLIENT} = {httpx_name}.AsyncClient()",), ((request,) if request else ())

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import ClassVar

from ...analysis import Finding, FunctionInfo, Related, Route, RuleContext, aggregate_facts, dependency_tree
from ..base import Category, Rule


class UncachedAggregate(Rule):
    """
    ## What it does
    Checks for GET routes that run an aggregate query on every request with
    no cache in front of it: SQLAlchemy's `func.count/sum/avg/min/max`,
    `Query.count()`, `.group_by(...)`, or raw SQL with `COUNT(`, `SUM(`,
    `AVG(` or `GROUP BY` — in the route, or in a helper of this or another
    file that runs it on every call (`stats_service.totals(db)`). A helper
    of another file that is not handed a session is followed when its own
    body spells a query (`select`, `func.`, `.count()`, `group_by`,
    `GROUP BY`).

    Not reported, because caching would not help or is already there:

    - aggregates that read the route's or helper's parameters (a count of the
      current user's orders, the revenue of the user's organisation, a
      required date range from the query string) or a context variable of
      the file that a request sets (the current tenant): each caller gets a
      different answer;
    - aggregates in a route whose session dependency opens the session for
      a value of the request (`get_session_with_tenant(tenant_id)`, a schema
      or shard per tenant): each tenant gets its own answer;
    - pages only administrators reach (an `/admin` path or router, a
      dependency such as `get_current_superuser` or
      `require_permission(Permission.ADMIN)`): seldom visited, by people who
      want the current numbers;
    - routes that paginate (`skip`/`limit`/`page` parameters, `.limit()`,
      `.offset()`, fastapi-pagination): the count is the total of the list;
    - a cache anywhere on the way: a caching decorator on the route or a
      helper (cachetools, aiocache, fastapi-cache, cashews, `lru_cache`,
      `alru_cache`), a read from a cache object before the query, or the
      `if key in CACHE: return CACHE[key]` idiom — also in a service layer
      in another file;
    - aggregates in a branch or an `except` block (not every request);
    - monitoring endpoints (`/metrics`, `/health`, `/status`...): a scraper
      calls them at a fixed interval and wants the current numbers.

    ## Why is this bad?
    An aggregate reads every matching row (or an index of them) to produce a
    number that changes slowly and is the same for every caller. A
    dashboard polled by many clients repeats that scan for each of them.
    Measured with `python tests/benchmarks/bench_aggregate.py` (SQLAlchemy
    2.1.9, FastAPI 0.165, file SQLite, 200 requests per route, three runs
    on a shared 2-core machine):

    | `GET` route | median per request |
    |---|---:|
    | `group_by` count over 200,000 orders, every request | 14–20 ms (51–70 requests/s for one worker) |
    | the same behind `cachetools.cached(TTLCache(ttl=30))` | 0.34–0.46 ms (42–44× less) |
    | a page of 20 orders | 0.91–1.20 ms |
    | the same page with its total `count()` | 1.88–2.23 ms |

    The cached route answers forty times more requests per worker, and the
    scan runs at most once per TTL whatever the traffic. A page's total
    doubled the page's cost, but it belongs to the page's answer (it varies
    with the filter and goes with the page), which is why paginated routes
    are left alone. Default severity: *warning*, with a TTL cache
    (cachetools for sync code, aiocache or `async_lru` for async code) as
    the advice: it keeps the query, bounds its rate, and needs no new
    infrastructure.

    ## Example
    ```python
    from fastapi import Depends, FastAPI
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from .database import get_db
    from .models import Order

    app = FastAPI()


    @app.get("/stats")
    def stats(db: Session = Depends(get_db)):
        rows = db.execute(select(Order.status, func.count()).group_by(Order.status)).all()
        return {status: count for status, count in rows}
    ```

    Use instead:
    ```python
    from cachetools import TTLCache, cached
    from fastapi import FastAPI
    from sqlalchemy import func, select

    from .database import SessionLocal
    from .models import Order

    app = FastAPI()


    @cached(TTLCache(maxsize=1, ttl=30))
    def order_counts() -> dict:
        with SessionLocal() as db:
            rows = db.execute(select(Order.status, func.count()).group_by(Order.status)).all()
        return {status: count for status, count in rows}


    @app.get("/stats")
    def stats():
        return order_counts()
    ```

    ## Fix safety
    No fix is offered: how stale the answer may be is the application's
    choice.

    ## References
    - [cachetools: TTLCache](https://cachetools.readthedocs.io/en/latest/#cachetools.TTLCache)
    - [aiocache](https://aiocache.aio-libs.org/)
    - [fastapi-cache](https://github.com/long2ice/fastapi-cache)
    """

    code = "FAP602"
    name = "uncached-aggregate"
    category: ClassVar[Category] = Category.CACHING
    summary = "A GET route runs an aggregate query on every request with no cache"

    def visit_function(self, fn: FunctionInfo, ctx: RuleContext) -> Iterable[Finding]:
        route = ctx.route(fn)
        if route is None or route.websocket or "GET" not in route.methods or _monitoring(route.path):
            return
        facts = aggregate_facts(fn, ctx.module)
        work = facts.aggregate
        if work is None or facts.cached or facts.parametrized or facts.per_request or facts.paginates:
            return
        if _admin_only(fn, route, ctx):
            return  # seldom visited, and by people who want the current numbers
        if _keyed_session(route, ctx):
            return  # the session reaches the caller's tenant or shard: each gets its own answer
        first = work.chain[0]
        if len(work.chain) == 1:
            message = (
                f"GET route `{fn.name}` runs an aggregate query (`{work.target}`) on every request with no cache; "
                f"every caller gets the same answer, so cache it for a few seconds (a TTL cache)"
            )
        else:
            path = " → ".join([fn.name, *(hop.label for hop in work.chain)])
            message = (
                f"GET route `{fn.name}` runs an aggregate query on every request through `{first.label}()` "
                f"(`{path}`) with no cache; every caller gets the same answer, so cache it for a few seconds (a TTL cache)"
            )
        related = tuple(
            Related(f"`{hop.label}` runs here", hop.site.range, path=hop.site.path, anchor=hop.site.anchor) for hop in work.chain[1:]
        )
        yield ctx.finding(self.code, first.site.range, message, related=related)


def _keyed_session(route: Route, ctx: RuleContext) -> bool:
    """A session dependency opens its session through a helper handed a request value
    (``get_session_with_tenant(tenant_id)``): queries on it answer per tenant, as a filter on the
    organisation's id would, and one cached answer for every caller would mix tenants."""
    return any(
        node.facts is not None and node.facts.session is not None and node.facts.session.keyed
        for node in dependency_tree(route, ctx.module)
    )


_ADMIN = re.compile(r"(?i)admin|superuser")


def _admin_only(fn: FunctionInfo, route: Route, ctx: RuleContext) -> bool:
    """Only administrators reach the route: an ``/admin`` path or router, or a dependency that says so
    (``Depends(get_current_superuser)``, ``require_permission(Permission.FULL_ADMIN_PANEL_ACCESS)``)."""
    if route.path and route.path.lstrip("/").lower().startswith("admin"):
        return True
    decorator = route.decorator
    if decorator is not None and type(decorator.func) is ast.Attribute:
        receiver = decorator.func.value
        if type(receiver) is ast.Name and _ADMIN.search(receiver.id):
            return True
    for param in fn.params.values():
        for expr in (param.default, param.annotation):
            if expr is not None and ctx.resolver.depends_target(expr, fn.parent) is not None and _ADMIN.search(ctx.source(expr)):
                return True
    dependencies = next((k.value for k in decorator.keywords if k.arg == "dependencies"), None) if decorator else None
    return dependencies is not None and bool(_ADMIN.search(ctx.source(dependencies)))


_MONITORING = frozenset({"metrics", "health", "healthz", "healthcheck", "status", "ready", "readyz", "live", "livez", "ping"})


def _monitoring(path: str | None) -> bool:
    return bool(path) and path.rstrip("/").rpartition("/")[2].lower() in _MONITORING

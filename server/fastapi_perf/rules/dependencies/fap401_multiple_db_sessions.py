from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from ...analysis import Finding, FunctionInfo, Node, Origin, RuleContext, catalog, same_database
from ..base import Category, Rule
from .common import related, route_tree


class MultipleDbSessions(Rule):
    """
    ## What it does
    Checks for routes whose dependency tree contains two or more *different*
    callables that each open a database session or connection: a
    `sessionmaker()`/`async_sessionmaker()` call, `Session(engine)`,
    `engine.connect()`, `asyncpg.connect()`, or a helper that does one of
    these on every call. The tree is resolved as FastAPI resolves it, across
    files: the endpoint's `Depends`/`Security` parameters (also through
    `Annotated` aliases), the decorator's, router's and application's
    `dependencies=[...]` (including `include_router(..., dependencies=...)`
    in another file), sub-dependencies, classes (`__init__`) and callable
    instances (`__call__`).

    Only sessions held while the request goes on count: a `yield`
    dependency holds its session until the response, and a function that
    returns a session hands it on. A plain function that opens a session in
    a `with` block and closes it before returning holds nothing by the time
    the next dependency runs (FastAPI resolves them one after another), so
    it is not counted.

    Only sessions that may draw on one database count: from the same
    sessionmaker, on the same engine, on engines made from one URL (a sync
    and an async engine of `settings.DATABASE_URL`), or of an origin the code
    does not show. A session on a reporting database beside one on the main
    database is not reported: one session cannot query both. The message says
    what the two sessions share.

    FastAPI runs a dependency once per request and shares its value with
    every other use of the *same callable*, so a chain of dependencies that
    all depend on one `get_db` is fine and is not reported. Typical real
    cases: an authentication dependency with its own sync `get_db` while the
    route uses an async session; a read-only and a read-write session
    dependency in one request; a permission class that opens a session of
    its own.

    ## Why is this bad?
    Each session checks out its own connection from the pool and runs its
    own transaction, so the request holds two connections: the pool serves
    half as many concurrent requests, the two transactions do not see each
    other's uncommitted writes, and under load the request can deadlock on
    the pool while holding its first connection. Measured with
    `python tests/benchmarks/bench_dependencies.py` (SQLAlchemy 2.1.9,
    FastAPI 0.165, file SQLite, a `QueuePool` of 5 connections with no
    overflow and a 1 s timeout, 20 concurrent requests in FastAPI's
    threadpool, each holding its session for 20 ms of work; three runs on a
    shared 2-core machine):

    | per round of 20 requests, 10 rounds | failed | median latency |
    |---|---:|---:|
    | one session callable | 0 of 200 | 77–88 ms |
    | a second session callable in the route | 188–200 of 200 | (timed out after 1 s) |

    Each request took its first connection and then waited for a second, so
    five requests held the whole pool and waited for each other until
    SQLAlchemy's `QueuePool limit ... timed out`. One request at a time, the
    second session added 15–36 % (1.55 ms against 1.30 ms median in one
    run). A failure mode under load, not a few per cent: hence the default
    severity *warning*, and the advice to share one session dependency
    rather than to enlarge the pool, which only moves the point where
    requests start to wait for each other.

    ## Example
    ```python
    from fastapi import Depends, FastAPI, Header
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
    from sqlalchemy.orm import Session, sessionmaker

    from .models import Item, User

    app = FastAPI()
    SessionLocal = sessionmaker()
    AsyncSessionLocal = async_sessionmaker()


    def get_db():
        with SessionLocal() as db:
            yield db


    async def get_async_db():
        async with AsyncSessionLocal() as db:
            yield db


    def get_current_user(x_user: int = Header(), db: Session = Depends(get_db)):
        return db.get(User, x_user)


    @app.get("/items/{item_id}")
    async def read_item(item_id: int, user=Depends(get_current_user), db: AsyncSession = Depends(get_async_db)):
        return await db.get(Item, item_id)
    ```

    Use instead:
    ```python
    from fastapi import Depends, FastAPI, Header
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from .models import Item, User

    app = FastAPI()
    AsyncSessionLocal = async_sessionmaker()


    async def get_async_db():
        async with AsyncSessionLocal() as db:
            yield db


    async def get_current_user(x_user: int = Header(), db: AsyncSession = Depends(get_async_db)):
        return await db.get(User, x_user)


    @app.get("/items/{item_id}")
    async def read_item(item_id: int, user=Depends(get_current_user), db: AsyncSession = Depends(get_async_db)):
        return await db.get(Item, item_id)
    ```

    ## Fix safety
    No fix is offered: which session the request should share (sync or
    async, read-only or read-write) is a design decision.

    ## References
    - [FastAPI: Sub-dependencies, using the same dependency multiple times](https://fastapi.tiangolo.com/tutorial/dependencies/sub-dependencies/#using-the-same-dependency-multiple-times)
    - [SQLAlchemy: Connection pooling](https://docs.sqlalchemy.org/en/20/core/pooling.html)
    """

    code = "FAP401"
    name = "multiple-db-sessions"
    category: ClassVar[Category] = Category.DEPENDENCIES
    summary = "One request's dependency tree opens two or more database sessions"

    def visit_function(self, fn: FunctionInfo, ctx: RuleContext) -> Iterable[Finding]:
        found = route_tree(fn, ctx)
        if found is None:
            return
        _, nodes = found
        openers = [(node, how) for node in nodes if (how := _opens(node)) is not None]
        if len(openers) < 2:
            return
        shared = _shared_pool(openers)
        if shared is None:
            return  # each session is on a database of its own: two databases need two sessions
        names = ", ".join(f"`{node.ref.label}` ({how})" for node, how in openers)
        targets = [node.ref.target for node, _ in openers]
        why = (
            "FastAPI shares a dependency's value only between uses with the same `scope` and the cache on"
            if len(set(targets)) < len(targets)
            else "FastAPI shares a dependency's value only between uses of the same callable"
        )
        message = (
            f"`{fn.name}` opens {len(openers)} database sessions per request: {names}, {shared}; {why}, "
            f"so depend on one session dependency"
        )
        notes = []
        for node, how in openers:
            via = "" if node.via in ("parameter", "decorator", "router") else f" (needed by `{node.via}`)"
            if node.facts is not None and node.facts.session is not None:
                notes += related(node.facts.session.site, f"`{node.ref.label}`{via} opens a session here: {how}")
        yield ctx.finding(self.code, ctx.name_range(fn), message, related=tuple(notes))


def _shared_pool(openers: list[tuple[Node, str]]) -> str | None:
    """What two of the sessions share, or None when each is known to be on a database of its own."""
    origins = [_origin(node) for node, _ in openers]
    unknown = None
    for position, one in enumerate(origins):
        for other in origins[position + 1 :]:
            shared = same_database(one, other)
            if shared:
                return f"both {shared}"
            if shared is None:
                unknown = "not known to be on different databases"
    return unknown


def _origin(node: Node) -> Origin:
    facts = node.facts
    if facts is not None and facts.session is not None and facts.session.origin is not None:
        return facts.session.origin
    return Origin()


def _opens(node: Node) -> str | None:
    """How a dependency opens a session: its own call, or, for a callable from a library, the session type it injects."""
    facts = node.facts
    if facts is not None:
        if facts.session is None or facts.memoized:
            return None
        return f"`{facts.session.label}`"
    if node.ref.value_type in catalog.SESSION_CLASSES:
        return f"injects a new `{node.ref.value_type.rpartition('.')[2]}`"
    return None

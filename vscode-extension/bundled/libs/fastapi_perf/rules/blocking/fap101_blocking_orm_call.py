from __future__ import annotations

from .common import BlockingCallRule


class BlockingOrmCall(BlockingCallRule):
    """
    ## What it does
    Checks for synchronous SQLAlchemy calls inside an `async def`: methods of
    a `Session` (also SQLModel's, a `scoped_session` or what a `sessionmaker`
    makes) that talk to the database — `query`, `execute`, `scalars`,
    `scalar`, `get`, `commit`, `flush`, `refresh`, `delete`, `merge`,
    `rollback` — and of an `Engine` or `Connection`. The session's type is
    found through annotations, `Annotated[Session, Depends(...)]` aliases,
    `Depends(get_db)` where `get_db` yields or returns a session (also from
    another file), and constructor calls (`SessionLocal()`,
    `with Session(engine) as session`). Calls reached through sync helpers,
    in this file or another, are reported at the call in the coroutine.

    ## Why is this bad?
    A synchronous session waits for the database with the event loop's
    thread: every other request stalls for the whole round trip, and under
    load the loop spends most of its time waiting on one connection at a
    time. FastAPI runs `def` endpoints in a threadpool, where a sync session
    is fine; an `async def` endpoint needs an `AsyncSession`.

    Calls on an `AsyncSession` are awaited and never reported, and neither
    are `add`, `add_all`, `expunge` or `close`, which do not wait for the
    database.

    ## Example
    ```python
    from fastapi import Depends, FastAPI
    from sqlalchemy import select
    from sqlalchemy.orm import Session, sessionmaker

    app = FastAPI()
    SessionLocal = sessionmaker()


    def get_db():
        db = SessionLocal()
        try:
            yield db
        finally:
            db.close()


    @app.get("/users/{user_id}")
    async def read_user(user_id: int, db: Session = Depends(get_db)):
        return db.execute(select(1)).scalar_one()
    ```

    Use instead:
    ```python
    from fastapi import Depends, FastAPI
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    app = FastAPI()
    SessionLocal = async_sessionmaker()


    async def get_db():
        async with SessionLocal() as db:
            yield db


    @app.get("/users/{user_id}")
    async def read_user(user_id: int, db: AsyncSession = Depends(get_db)):
        return (await db.execute(select(1))).scalar_one()
    ```

    Or keep the sync session and make the endpoint a `def`.

    ## Fix safety
    No fix is offered: moving to `AsyncSession` changes the session's type,
    its dependency and every call on it, and making the endpoint a `def`
    changes where it runs (see FAP201's fix for that).

    ## Options
    - `extend-blocking-calls`: more callables to report under this code.

    ## References
    - [SQLAlchemy: Asynchronous I/O (asyncio)](https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html)
    - [FastAPI: SQL (Relational) Databases](https://fastapi.tiangolo.com/tutorial/sql-databases/)
    """

    code = "FAP101"
    name = "blocking-orm-call"
    direct_message = "Synchronous database call `{target}()` blocks the event loop in `async def {function}`"
    summary = "A synchronous SQLAlchemy session or engine call blocks the event loop inside `async def`"

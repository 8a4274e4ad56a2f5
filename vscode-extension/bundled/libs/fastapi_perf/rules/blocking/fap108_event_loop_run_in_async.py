from __future__ import annotations

from typing import ClassVar

from ...analysis.findings import Severity
from .common import BlockingCallRule


class EventLoopRunInAsync(BlockingCallRule):
    """
    ## What it does
    Checks for `asyncio.run()`, `loop.run_until_complete()`, `anyio.run()`
    and similar calls that start an event loop, made directly inside an
    `async def`. Calls in sync helpers are not followed: such helpers usually
    check for a running loop first.

    ## Why is this bad?
    A coroutine already runs on a loop. Starting another one from it raises
    `RuntimeError: asyncio.run() cannot be called from a running event loop`
    (or, with patches such as `nest_asyncio`, blocks the outer loop until
    the inner one finishes). Inside a coroutine, await the coroutine instead.

    ## Example
    ```python
    import asyncio

    from fastapi import FastAPI

    app = FastAPI()


    async def fetch_rates():
        await asyncio.sleep(0)
        return {"EUR": 1.0}


    @app.get("/rates")
    async def rates():
        return asyncio.run(fetch_rates())
    ```

    Use instead:
    ```python
    import asyncio

    from fastapi import FastAPI

    app = FastAPI()


    async def fetch_rates():
        await asyncio.sleep(0)
        return {"EUR": 1.0}


    @app.get("/rates")
    async def rates():
        return await fetch_rates()
    ```

    ## Fix safety
    No fix is offered: whether to await the coroutine directly or to run it
    as a task depends on what the caller needs.

    ## References
    - [Python docs: `asyncio.run`](https://docs.python.org/3/library/asyncio-runner.html#asyncio.run)
    """

    code = "FAP108"
    name = "event-loop-run-in-async"
    direct_message = "`{target}()` starts an event loop inside `async def {function}`, which already runs on one"
    summary = "An event loop is started inside a coroutine"
    default_severity: ClassVar[Severity] = Severity.ERROR
    # Helpers that start a loop usually check for a running one first
    # (``asyncio.get_running_loop()`` in a ``try``), so only direct calls count.
    direct_only: ClassVar[bool] = True

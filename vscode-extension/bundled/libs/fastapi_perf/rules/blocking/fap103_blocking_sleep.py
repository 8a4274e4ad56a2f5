from __future__ import annotations

from typing import ClassVar

from ...analysis.blocking import BlockingReason
from ...analysis.context import RuleContext
from ...analysis.facts import CallSite
from ...analysis.findings import Applicability, Fix
from ...analysis.fixes import await_edits, module_alias
from ..base import FixAvailability
from .common import BlockingCallRule


class BlockingSleep(BlockingCallRule):
    """
    ## What it does
    Checks for `time.sleep()` inside an `async def`, called directly or
    through a sync helper function.

    ## Why is this bad?
    FastAPI runs every `async def` endpoint and dependency on one event loop.
    `time.sleep()` stops that loop: no other request makes progress until it
    returns. `await asyncio.sleep()` suspends only the current request.

    ## Example
    ```python
    import time

    from fastapi import FastAPI

    app = FastAPI()


    @app.post("/jobs")
    async def submit_job():
        time.sleep(0.5)  # wait for the queue to settle
        return {"queued": True}
    ```

    Use instead:
    ```python
    import asyncio

    from fastapi import FastAPI

    app = FastAPI()


    @app.post("/jobs")
    async def submit_job():
        await asyncio.sleep(0.5)
        return {"queued": True}
    ```

    ## Fix safety
    The fix replaces the call with `await asyncio.sleep(...)` and adds
    `import asyncio` when needed. It is safe: the coroutine waits just as
    long, and only the other requests' progress changes. It is offered for
    direct calls only; for a sleep inside a sync helper, make the helper
    `async def` or call it with `run_in_threadpool`.

    ## References
    - [FastAPI: Concurrency and async / await](https://fastapi.tiangolo.com/async/)
    - [Python docs: `asyncio.sleep`](https://docs.python.org/3/library/asyncio-task.html#asyncio.sleep)
    """

    code = "FAP103"
    name = "blocking-sleep"
    summary = "`time.sleep()` blocks the event loop inside `async def`"
    fix_availability: ClassVar[FixAvailability] = FixAvailability.SOMETIMES

    def fix(self, call: CallSite, reason: BlockingReason, ctx: RuleContext) -> Fix | None:
        alias = module_alias(ctx, "asyncio", call.function)
        if alias is None:
            return None
        name, request = alias
        edits = await_edits(ctx, call, f"{name}.sleep")
        if edits is None:
            return None
        return Fix(
            "Replace with `await asyncio.sleep(...)`",
            Applicability.SAFE,
            tuple(edits),
            imports=(request,) if request else (),
        )

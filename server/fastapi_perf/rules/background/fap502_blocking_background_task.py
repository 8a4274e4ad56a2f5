from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from ...analysis import BackgroundFacts, CallSite, Finding, Hop, RuleContext, Site, Work, background_facts, catalog
from ..base import Category, Rule
from .common import Task, chain_related, chain_text, scheduled_task


class BlockingBackgroundTask(Rule):
    """
    ## What it does
    Checks for background tasks (`BackgroundTasks.add_task(fn, ...)`,
    `BackgroundTask(fn)`) that stall the server:

    - `fn` is an `async def` that blocks the event loop: any call the
      category-1 rules (FAP101-FAP108) report, directly or through sync
      helpers of this or another file;
    - `fn` is a `def` that does CPU-heavy work (the FAP105 catalogue: password
      hashing, image processing, compression, pandas, model inference, and
      `extend-cpu-heavy-calls`), on its unconditional path, or is such a
      library callable itself (`add_task(bcrypt.hashpw, ...)`).

    An `async def` task of another file is followed as one of this file,
    into the helpers it calls in further files.

    Tasks handed to an offloader (`add_task(run_in_threadpool, fn)`) are not
    reported.

    ## Why is this bad?
    FastAPI runs an `async def` task on the event loop once the response is
    sent, so a blocking call in it freezes every other request for as long
    as it takes — the response that scheduled it was fast, the ones after it
    are not. A `def` task runs in the threadpool, which is fine for I/O; but
    CPU-bound Python holds the GIL and competes with the loop, and long tasks
    occupy the threadpool's 40 tokens that `def` endpoints also need.
    Measured with `python tests/benchmarks/bench_background.py` (FastAPI
    0.165 in one process, requests driven through the ASGI app, three runs
    on a shared 2-core machine): a client pinged a cheap route every 5 ms
    while a 100 ms task was scheduled every 250 ms; latency counted from
    when each ping was due (ranges over the three runs):

    | background task | median | p99 | max |
    |---|---:|---:|---:|
    | none | 0.91–0.97 ms | 1.5–4.4 ms | 1.7–6.3 ms |
    | `async def` calling `time.sleep` | 1.25–1.29 ms | 97–99 ms | 101 ms |
    | `def` calling `time.sleep` (threadpool) | 0.89–0.95 ms | 1.5–3.7 ms | 14–25 ms |
    | `def`, pure-Python CPU work (threadpool) | 1.07–1.14 ms | 6.6–11 ms | 16–18 ms |

    The blocking `async def` task stalled every request for its whole
    duration (p99 22 to 66 times the baseline); the same work as a `def`
    did not. CPU-bound Python in the threadpool costs less but is not free:
    it holds the GIL, so requests waited up to a few switch intervals
    (5 ms each), raising the p99 two- to sevenfold, and it keeps a
    threadpool token busy for the task's whole length. Both are reported,
    at the default severity *warning* set by the first; for CPU-heavy work
    the advice is a process pool or a task queue, which takes it out of the
    web process.

    ## Example
    ```python
    import time

    from fastapi import BackgroundTasks, FastAPI

    app = FastAPI()


    async def rebuild_search_index(batch: int) -> None:
        time.sleep(2)  # stands for a sync client call


    @app.post("/reindex")
    async def reindex(background_tasks: BackgroundTasks):
        background_tasks.add_task(rebuild_search_index, 100)
        return {"queued": True}
    ```

    Use instead:
    ```python
    import time

    from fastapi import BackgroundTasks, FastAPI

    app = FastAPI()


    def rebuild_search_index(batch: int) -> None:
        time.sleep(2)  # runs in the threadpool


    @app.post("/reindex")
    async def reindex(background_tasks: BackgroundTasks):
        background_tasks.add_task(rebuild_search_index, 100)
        return {"queued": True}
    ```

    ## Fix safety
    No fix is offered: a task that awaits elsewhere cannot simply become a
    `def`, and CPU-heavy work belongs in a process pool or a task queue.

    ## Options
    - `extend-blocking-calls`, `extend-cpu-heavy-calls`: as for category 1.

    ## References
    - [FastAPI: Background Tasks](https://fastapi.tiangolo.com/tutorial/background-tasks/)
    - [Starlette: Background Tasks](https://www.starlette.io/background/)
    """

    code = "FAP502"
    name = "blocking-background-task"
    category: ClassVar[Category] = Category.BACKGROUND
    summary = "A background task blocks the event loop or runs CPU-heavy work in the web process"

    def visit_call(self, call: CallSite, ctx: RuleContext) -> Iterable[Finding]:
        task = scheduled_task(call, ctx)
        if task is None or task.offloaded:
            return
        if task.library:
            if _cpu_heavy_callable(task.qualname, ctx):
                message = (
                    f"Background task `{ctx.display(task.qualname)}` is CPU-heavy work in the web process, competing "
                    f"with requests for the CPU and the threadpool; offload it to a process pool or a task queue"
                )
                yield ctx.finding(self.code, call.node, message)
            return
        if task.is_async:
            work = _loop_blocking(task, ctx)
            if work is None:
                return
            message = (
                f"Background task `async def {task.name}` runs on the event loop after the response and blocks it: "
                f"{work.what} (`{chain_text(task, work)}`) stalls every other request; make it a `def` (run in the "
                f"threadpool) or await an async client"
            )
        else:
            work = _cpu_heavy(task, ctx)
            if work is None:
                return
            message = (
                f"Background task `{task.name}` runs CPU-heavy work (`{chain_text(task, work)}`) in the web process, "
                f"competing with requests for the CPU and the threadpool; offload it to a process pool or a task queue"
            )
        yield ctx.finding(self.code, call.node, message, related=chain_related(work, "reaches"))


def _cpu_heavy_callable(qualname: str, ctx: RuleContext) -> bool:
    entry = catalog.BLOCKING.get(qualname)
    if entry is not None:
        return entry.code == "FAP105"
    return bool(ctx.options.extend_cpu_heavy_calls) and ctx.options.is_extra_cpu_heavy(qualname)


def _loop_blocking(task: Task, ctx: RuleContext) -> Work | None:
    if task.local is not None:
        return background_facts(task.local, ctx.module).loop_blocking
    facts = getattr(getattr(task.remote, "facts", None), "background", None)
    return facts.loop_blocking if isinstance(facts, BackgroundFacts) else None


def _cpu_heavy(task: Task, ctx: RuleContext) -> Work | None:
    if task.local is not None:
        reason = ctx.module.blocking.function_reasons(task.local).get("FAP105")
        if reason is None:
            return None
        hops = []
        for step in reason.chain:
            if hasattr(step, "path"):
                hops.append(Hop(step.label, Site(step.range, step.path)))
            else:
                chunk = ctx.module.chunk_of(step.function)
                if chunk is None:
                    return None
                hops.append(Hop(step.label, Site(chunk.node_range(step.call), anchor=step.function.qualname.partition(".")[0])))
        return Work(reason.what, reason.target, tuple(hops), reason.code)
    reason = getattr(task.remote, "blocking", {}).get("FAP105")
    if reason is None:
        return None
    return Work(reason.what, reason.target, tuple(Hop(s.label, Site(s.range, s.path)) for s in reason.chain), reason.code)

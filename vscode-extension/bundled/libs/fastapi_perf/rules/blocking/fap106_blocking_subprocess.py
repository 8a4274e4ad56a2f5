from __future__ import annotations

from typing import ClassVar

from ...analysis.blocking import BlockingReason
from ...analysis.context import RuleContext
from ...analysis.facts import CallSite
from ...analysis.findings import Applicability, Fix
from ...analysis.fixes import offload_fix
from ..base import FixAvailability
from .common import BlockingCallRule

# Calls that finish with the process: offloading them moves all the waiting.
_OFFLOADABLE = frozenset(
    """
    subprocess.run subprocess.call subprocess.check_call subprocess.check_output subprocess.getoutput
    subprocess.getstatusoutput subprocess.Popen.wait subprocess.Popen.communicate os.system os.wait
    os.waitpid os.wait3 os.wait4 os.waitid
    """.split()
)


class BlockingSubprocess(BlockingCallRule):
    """
    ## What it does
    Checks for calls that wait for a child process inside an `async def`:
    `subprocess.run()`/`call()`/`check_call()`/`check_output()`,
    `Popen.wait()`/`communicate()`, `os.system()`, `os.spawn*()` (unless
    `P_NOWAIT`) and `os.wait*()` (unless `WNOHANG`), called directly or
    through a sync helper. Starting a process (`Popen(...)`) returns at once
    and is not reported.

    ## Why is this bad?
    These calls wait for a child process with the event loop's thread, so
    no other request runs until the process exits. `asyncio` can start and
    wait for processes without blocking
    (`asyncio.create_subprocess_exec`), or the call can run in a worker
    thread.

    ## Example
    ```python
    import subprocess

    from fastapi import FastAPI

    app = FastAPI()


    @app.post("/thumbnails/{name}")
    async def make_thumbnail(name: str):
        subprocess.run(["convert", name, "-resize", "128x128", f"thumb-{name}"], check=True)
        return {"ok": True}
    ```

    Use instead:
    ```python
    import asyncio

    from fastapi import FastAPI

    app = FastAPI()


    @app.post("/thumbnails/{name}")
    async def make_thumbnail(name: str):
        process = await asyncio.create_subprocess_exec("convert", name, "-resize", "128x128", f"thumb-{name}")
        await process.wait()
        return {"ok": True}
    ```

    ## Fix safety
    For calls that return when the process has finished (`run`, `call`,
    `check_call`, `check_output`, `getoutput`, `os.system`,
    `Popen.communicate`/`wait`, `os.wait*`) the fix runs the same call in a
    worker thread: `await run_in_threadpool(subprocess.run, ...)` (or
    `asyncio.to_thread` outside FastAPI code). Arguments, result and
    exceptions are unchanged, so the fix is safe. Rewriting to
    `asyncio.create_subprocess_exec` changes the API (no `check=`,
    `capture_output=`, `text=`) and is left to you.

    ## Options
    - `extend-blocking-calls`: more callables to report under this code.

    ## References
    - [Python docs: Subprocesses in asyncio](https://docs.python.org/3/library/asyncio-subprocess.html)
    """

    code = "FAP106"
    name = "blocking-subprocess"
    direct_message = "Subprocess call `{target}()` blocks the event loop in `async def {function}`"
    summary = "A subprocess is run and waited for inside `async def`"
    fix_availability: ClassVar[FixAvailability] = FixAvailability.SOMETIMES

    def fix(self, call: CallSite, reason: BlockingReason, ctx: RuleContext) -> Fix | None:
        if ctx.callee(call) in _OFFLOADABLE:
            return offload_fix(ctx, call, Applicability.SAFE)
        return None

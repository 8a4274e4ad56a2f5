from __future__ import annotations

from typing import ClassVar

from ...analysis import Applicability, BlockingReason, CallSite, Fix, RuleContext, offload_fix
from ..base import FixAvailability
from .common import BlockingCallRule


class CpuBoundInAsync(BlockingCallRule):
    """
    ## What it does
    Checks for CPU-heavy calls inside an `async def`: password hashing and
    checking (`passlib`'s `CryptContext.hash`/`verify`, `pwdlib`'s `PasswordHash`, `bcrypt`, `argon2`,
    `hashlib.pbkdf2_hmac`, `hashlib.scrypt`), image processing with Pillow,
    compression (`zlib`, `gzip`, `bz2`, `lzma`), pandas reading, writing and
    heavy frame operations, `numpy.linalg`/`numpy.fft`, scikit-learn
    `fit`/`predict`, model loading and inference pipelines, and any callable
    listed in `extend-cpu-heavy-calls`. Calls reached through sync helpers,
    in this file or another, are reported at the call in the coroutine.

    ## Why is this bad?
    These calls keep the CPU busy for milliseconds to seconds. On the event
    loop that time is taken from every other request: a bcrypt `verify` at
    work factor 12 costs about a quarter of a second, so a login endpoint
    doing it inline serves four logins a second while everything else
    waits. In a worker thread, libraries that release the GIL (bcrypt,
    hashlib, zlib, Pillow, NumPy) run in parallel with the loop.

    ## Example
    ```python
    from fastapi import FastAPI
    from passlib.context import CryptContext

    app = FastAPI()
    pwd_context = CryptContext(schemes=["bcrypt"])


    @app.post("/login")
    async def login(password: str, stored_hash: str):
        return {"ok": pwd_context.verify(password, stored_hash)}
    ```

    Use instead:
    ```python
    from fastapi import FastAPI
    from passlib.context import CryptContext
    from starlette.concurrency import run_in_threadpool

    app = FastAPI()
    pwd_context = CryptContext(schemes=["bcrypt"])


    @app.post("/login")
    async def login(password: str, stored_hash: str):
        return {"ok": await run_in_threadpool(pwd_context.verify, password, stored_hash)}
    ```

    ## Fix safety
    The fix runs the same call in a worker thread:
    `await run_in_threadpool(fn, *args, **kwargs)` (Starlette's, installed
    with FastAPI; `asyncio.to_thread` outside FastAPI code), arguments and
    result unchanged. It is safe for functions; for methods of an object the
    object is then used from another thread, which these libraries allow.

    ## Options
    - `extend-cpu-heavy-calls`: your own CPU-heavy callables, by qualified
      name (`"myapp.reports.render_pdf"`, `"myapp.ml.*"`).

    ## References
    - [Starlette: `run_in_threadpool`](https://www.starlette.io/threadpool/)
    - [FastAPI: Concurrency and async / await](https://fastapi.tiangolo.com/async/)
    """

    code = "FAP105"
    name = "cpu-bound-in-async"
    direct_message = "CPU-heavy call `{target}()` holds the event loop in `async def {function}`"
    summary = "CPU-heavy work runs on the event loop inside `async def`"
    fix_availability: ClassVar[FixAvailability] = FixAvailability.SOMETIMES

    def fix(self, call: CallSite, reason: BlockingReason, ctx: RuleContext) -> Fix | None:
        return offload_fix(ctx, call, Applicability.SAFE)

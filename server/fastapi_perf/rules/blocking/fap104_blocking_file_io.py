from __future__ import annotations

import ast
from typing import ClassVar

from ...analysis import (
    Applicability,
    BlockingReason,
    CallSite,
    Fix,
    Ref,
    RuleContext,
    await_edits,
    module_alias,
    offload_fix,
)
from ..base import FixAvailability
from .common import BlockingCallRule

# Calls that return a lazy iterator or an open file: offloading the call
# alone would leave the blocking reads on the loop.
_NO_OFFLOAD = frozenset(
    """
    builtins.open io.open codecs.open os.open os.fdopen gzip.open bz2.open lzma.open tarfile.open
    zipfile.ZipFile glob.iglob os.walk os.fwalk os.scandir pathlib.Path.open pathlib.Path.iterdir
    pathlib.Path.glob pathlib.Path.rglob pathlib.Path.walk tempfile.NamedTemporaryFile
    tempfile.TemporaryFile tempfile.SpooledTemporaryFile tempfile.TemporaryDirectory
    """.split()
)
# ``pathlib.Path`` methods that ``anyio.Path`` offers as coroutines.
_ANYIO_PATH = frozenset(
    "read_text read_bytes write_text write_bytes exists is_file is_dir is_symlink stat lstat mkdir "
    "rmdir unlink touch rename replace samefile chmod owner group readlink symlink_to hardlink_to".split()
)


class BlockingFileIo(BlockingCallRule):
    """
    ## What it does
    Checks for file-system calls inside an `async def`: `open()`,
    `os.path.exists()` and friends, `os.listdir`/`stat`/`remove`/...,
    `shutil`, `pathlib.Path` methods that touch the disk, `tempfile` and
    `glob`, called directly or through a sync helper. A file removed in an
    `except` block (clean-up after a failed upload) is not reported: it runs
    when something failed, not on every request; in a `finally` it is.

    ## Why is this bad?
    Disk access blocks the calling thread: on a slow or network file system,
    or under load, each call holds up every request on the event loop.
    Offload it to a worker thread or use `anyio`'s async file API.

    ## Example
    ```python
    import os

    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/reports/{name}")
    async def report_exists(name: str):
        return {"exists": os.path.exists(f"/srv/reports/{name}.pdf")}
    ```

    Use instead:
    ```python
    import os

    from fastapi import FastAPI
    from starlette.concurrency import run_in_threadpool

    app = FastAPI()


    @app.get("/reports/{name}")
    async def report_exists(name: str):
        return {"exists": await run_in_threadpool(os.path.exists, f"/srv/reports/{name}.pdf")}
    ```

    ## Fix safety
    `Path(...).read_text()` and the other `pathlib.Path` methods that
    `anyio.Path` mirrors become `await anyio.Path(...).read_text()`. Other
    calls are offloaded: `await run_in_threadpool(fn, *args, **kwargs)`
    (Starlette's, installed with FastAPI; `asyncio.to_thread` outside FastAPI
    code). Both keep the arguments and the result, so the fix is safe. No fix
    is offered for `open()`, `os.walk()`, `os.scandir()`, `Path.iterdir()`
    and other calls that return an open file or a lazy iterator: offloading
    the call would leave the reads on the loop; use `anyio.open_file` or
    offload the whole block.

    ## Options
    - `extend-blocking-calls`: more callables to report under this code.

    ## References
    - [AnyIO: Asynchronous file I/O](https://anyio.readthedocs.io/en/stable/fileio.html)
    - [Starlette: `run_in_threadpool`](https://www.starlette.io/threadpool/)
    """

    code = "FAP104"
    name = "blocking-file-io"
    direct_message = "Blocking file I/O `{target}()` in `async def {function}`"
    summary = "Blocking file I/O inside `async def`"
    fix_availability: ClassVar[FixAvailability] = FixAvailability.SOMETIMES
    clean_up: ClassVar[frozenset[str]] = frozenset(
        {"Path.unlink", "Path.rmdir", "os.remove", "os.unlink", "os.rmdir", "shutil.rmtree"}
    )

    def fix(self, call: CallSite, reason: BlockingReason, ctx: RuleContext) -> Fix | None:
        qualname = ctx.callee(call) or ""
        if qualname in _NO_OFFLOAD:
            return None
        anyio_fix = _anyio_path_fix(call, qualname, ctx)
        if anyio_fix is not None:
            return anyio_fix
        return offload_fix(ctx, call, Applicability.SAFE)


def _anyio_path_fix(call: CallSite, qualname: str, ctx: RuleContext) -> Fix | None:
    """``Path(p).read_text()`` becomes ``await anyio.Path(p).read_text()``."""
    method = qualname.rpartition(".")[2]
    func = call.node.func
    if not qualname.startswith("pathlib.Path.") or method not in _ANYIO_PATH or type(func) is not ast.Attribute:
        return None
    receiver = func.value
    if type(receiver) is not ast.Call:
        return None
    if ctx.resolver.value_of(receiver.func, call.function) != Ref("pathlib.Path"):
        return None
    alias = module_alias(ctx, "anyio", call.function)
    if alias is None:
        return None
    anyio_name, request = alias
    head = ctx.source(func)
    path_callee = ctx.range(receiver.func)
    call_start = ctx.range(call.node).start
    if path_callee.start != call_start or "\n" in head:
        return None
    edits = await_edits(ctx, call, f"{anyio_name}.Path{head[len(ctx.source(receiver.func)):]}")
    if edits is None:
        return None
    return Fix(
        f"Use `await {anyio_name}.Path(...).{method}()`",
        Applicability.SAFE,
        tuple(edits),
        imports=(request,) if request else (),
    )

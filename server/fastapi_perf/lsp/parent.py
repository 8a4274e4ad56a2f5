"""Exit when the editor that started the server has died.

``initialize`` carries the editor's ``processId``; the LSP asks a server to
exit when that process is gone. Usually the server notices anyway, because
its stdin closes; but an editor killed while something else (a terminal, a
wrapper script) still holds the pipe leaves the server running for ever,
with everything it has loaded. The check is one system call a few seconds
apart: ``kill(pid, 0)`` on POSIX (plus "was I re-parented?" when the editor
is the parent: a dead parent can linger as a zombie), and a zero-timeout
wait on a process handle on Windows.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys

POLL_S = 3.0

log = logging.getLogger(__name__)


def watch(pid: int | None) -> asyncio.Task | None:
    """End the process, with status 1, once ``pid`` is gone (nothing to watch for None, or our own pid)."""
    if pid is None or pid <= 0 or pid == os.getpid():
        return None
    parent = os.getppid()
    return asyncio.ensure_future(_poll(pid, parent if pid == parent else None))


async def _poll(pid: int, parent: int | None) -> None:
    while alive(pid) and (parent is None or os.getppid() == parent):
        await asyncio.sleep(POLL_S)
    log.warning("the editor (process %d) is gone; exiting", pid)
    exit_now(1)


def exit_now(status: int) -> None:
    """End the process at once, its output flushed.

    Not ``sys.exit``: the interpreter would first wait for pygls' reader
    thread, which may be blocked reading a stdin nobody will ever close.
    """
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed by ``exit``, or the pipe is gone
            pass
    os._exit(status)


def alive(pid: int) -> bool:
    if sys.platform == "win32":
        return _alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    except OSError:
        return False
    return True


def _alive_windows(pid: int) -> bool:
    # os.kill(pid, 0) would terminate the process on Windows.
    import ctypes

    synchronize, wait_timeout, access_denied = 0x00100000, 0x102, 5
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(synchronize, False, pid)
    if not handle:
        return kernel32.GetLastError() == access_denied
    try:
        return kernel32.WaitForSingleObject(handle, 0) == wait_timeout
    finally:
        kernel32.CloseHandle(handle)

"""Loaded into the server under test (its PYTHONPATH), never into the tests: a witness.

An audit hook (PEP 578) sees what a process does whatever library does it.
This one appends a line to ``$FASTAPI_PERF_AUDIT_LOG`` for every process
the server starts (``subprocess``, ``os.exec*``, ``os.posix_spawn``,
``os.system``, ``os.fork``), for every code object executed whose file lies
under ``$FASTAPI_PERF_AUDIT_WATCH`` (importing a module executes its code
this way), and for every import whose module is found there.
``test_security.py`` reads the log.
"""

import os
import sys

_LOG = os.environ.get("FASTAPI_PERF_AUDIT_LOG")
_WATCH = os.environ.get("FASTAPI_PERF_AUDIT_WATCH")
_PROCESSES = {"subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.system", "os.fork", "os.forkpty", "pty.spawn"}


def _record(line: str) -> None:
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(line.replace("\n", " ") + "\n")


def _hook(event: str, args: tuple) -> None:
    if event in _PROCESSES:
        _record(f"process {event} {args[:2]!r}")
    elif event == "exec" and _WATCH:
        filename = getattr(args[0], "co_filename", "") or ""
        if filename.startswith(_WATCH):
            _record(f"exec {filename}")
    elif event == "import" and _WATCH:
        filename = args[1] if len(args) > 1 else None
        if isinstance(filename, str) and filename.startswith(_WATCH):
            _record(f"import {args[0]} from {filename}")


if _LOG:
    sys.addaudithook(_hook)

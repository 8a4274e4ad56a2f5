"""aiocop, set up to watch every event loop a test suite starts.

aiocop (docs/runtime.md says why it and not blockbuster) times each loop
callback, records the blocking calls made in it through ``sys.audit``
events, and samples the stack of a callback that runs long. Three things
it does not do out of the box, which a test suite needs:

- it patches only the loop running when it is activated, while a suite
  starts a loop per test (pytest-asyncio, anyio), one per ``TestClient``
  and one per server thread. Each loop is handed to aiocop as it is
  created, before its first callback is scheduled: patching it when it
  starts running would miss the callback that runs a whole test which
  never suspends (ASGI transport requests often don't);
- it keeps audit events of the main thread only, while ``TestClient`` and a
  fixture's uvicorn run their loops on other threads. aiocop still records
  only inside a callback it is timing, so worker threads of the thread pool
  (offloaded calls) stay silent;
- its stack traces shorten file paths (``.../src/`` is cut), and a site must
  be a real path.

These reach into aiocop's module state; the version is pinned in the
``runtime`` extra and :func:`check_supported` fails clearly when it moves.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
from collections.abc import Callable, Sequence

from .frames import Frame, parse_trace

TRACE_DEPTH = 120
"""Frames kept per stack: enough to reach the route under a deep HTTP client and the framework."""

CallbackSink = Callable[[float, bool, Sequence[tuple[list[Frame], str | None]], Sequence[tuple[list[Frame], int]]], None]


class _AnyThread:
    """Compares equal to every thread id (aiocop's main-thread filter)."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    __hash__ = object.__hash__


def _full_path_frame(frame: tuple[str, int, str]) -> str:
    filename, line, function = frame
    return f"{filename}:{line}:{function}"


def check_supported() -> str:
    """aiocop's version, or ImportError/RuntimeError saying what to install."""
    try:
        version = importlib.metadata.version("aiocop")
        from aiocop.core import blocking_io, slow_tasks  # noqa: F401
    except (ImportError, importlib.metadata.PackageNotFoundError):
        raise ImportError("pytest --fastapi-perf needs the runtime extra: pip install 'fastapi-perf[runtime]'") from None
    missing = [name for name in ("_main_thread_id", "format_stack_frame") if not hasattr(blocking_io, name)]
    if missing:
        raise RuntimeError(f"aiocop {version} is not a version fastapi-perf supports (1.2.x); reinstall 'fastapi-perf[runtime]'")
    return version


class AiocopDetector:
    _started = False  # aiocop's setup is once per process

    def __init__(self, threshold_ms: float, sink: CallbackSink) -> None:
        self.threshold_ms = threshold_ms
        self.sink = sink
        self.version = check_supported()
        self._original_init: Callable | None = None

    @property
    def description(self) -> dict[str, str]:
        return {"name": "aiocop", "version": self.version}

    def start(self) -> None:
        import aiocop
        from aiocop.core import blocking_io

        self._trivial = {name for name, weight in aiocop.get_blocking_events_dict().items() if weight == aiocop.WEIGHT_TRIVIAL}
        if not AiocopDetector._started:
            blocking_io.format_stack_frame = _full_path_frame
            aiocop.patch_audit_functions()
            aiocop.start_blocking_io_detection(trace_depth=TRACE_DEPTH)
            blocking_io._main_thread_id = _AnyThread()
            aiocop.start_cpu_sampling(trace_depth=TRACE_DEPTH)
            aiocop.detect_slow_tasks(threshold_ms=self.threshold_ms, on_slow_task=self._on_event, cpu_sampling=False)
            AiocopDetector._started = True
        else:
            aiocop.register_slow_task_callback(self._on_event)
        self._watch_new_loops()
        aiocop.activate()

    def stop(self) -> None:
        import aiocop

        aiocop.deactivate()
        aiocop.unregister_slow_task_callback(self._on_event)
        if self._original_init is not None:
            asyncio.BaseEventLoop.__init__ = self._original_init  # type: ignore[method-assign]
            self._original_init = None

    def _watch_new_loops(self) -> None:
        import aiocop

        original = self._original_init = asyncio.BaseEventLoop.__init__

        def init_and_watch(loop: asyncio.BaseEventLoop, *args, **kwargs) -> None:
            original(loop, *args, **kwargs)
            # aiocop patches the running loop; make this one the running loop for a moment.
            previous = asyncio.events._get_running_loop()
            asyncio.events._set_running_loop(loop)
            try:
                aiocop.activate()
            finally:
                asyncio.events._set_running_loop(previous)

        asyncio.BaseEventLoop.__init__ = init_and_watch  # type: ignore[method-assign]

    def _on_event(self, event) -> None:
        calls = []
        for blocking in event.blocking_events:
            name = blocking["event"].partition("(")[0]
            if name == "import" or name in self._trivial:
                continue
            calls.append((parse_trace(blocking["trace"]), name))
        samples = [(parse_trace(s["trace"]), int(s["count"])) for s in event.cpu_stack_samples]
        if calls or event.exceeded_threshold:
            self.sink(event.elapsed_ms, event.exceeded_threshold, calls, samples)

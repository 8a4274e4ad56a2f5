"""Garbage collection on the server's terms: when the editor is idle, and on a budget when it never is.

Open documents hold hundreds of thousands of long-lived syntax-tree
objects. Python's cyclic collector would walk all of them in its full
collections, which can land in the middle of an edit and cost tens of
milliseconds. Instead, automatic full collections are put off. After a
second without activity only the young generations are collected (a few
milliseconds: the survivors of the last full collection are frozen out of
it); a full collection, which unfreezes them first, walks everything and
takes half a second on a 10,000-line file, runs only after ``FULL_IDLE_S``
without activity and never while work is pending. A full collection one
second after the last edit made the next keystroke wait for it (p50 121 ms
at 10,000 lines for an edit after a one-second pause, against 10–12 ms
after other pauses).

An editor that is never idle for long (a formatter on every keystroke,
a client that keeps asking, documents opened and closed all the time) got
no full collection at all, and memory grew with every edit. So a full
collection also runs after a piece of work (a publication) once enough
time has passed since the last: at least ``MIN_INTERVAL_S``, and at least
``1 / BUDGET`` times what the last one took, so that collecting costs at
most that share of the server's time however large the documents.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable

IDLE_S = 1.0
"""Quiet time before the young generations are collected."""
FULL_IDLE_S = 20.0
"""Quiet time before a full collection (``fastapi-perf lsp --full-collection-after``)."""
MIN_INTERVAL_S = 10.0
BUDGET = 0.02
"""The largest share of the time forced (not idle) collections may take."""


def _never_busy() -> bool:
    return False


class Collector:
    def __init__(self, busy: Callable[[], bool] = _never_busy, full_idle_s: float = FULL_IDLE_S) -> None:
        self._task: asyncio.Task | None = None
        self._last = time.monotonic()
        self._cost = 0.0
        self.busy = busy
        """True while work is pending (an analysis, a settle): no idle collection then."""
        self.full_idle_s = full_idle_s
        self.forced = 0
        """Full collections run because the budget allowed one, not because the editor was idle."""
        self.young = 0
        """Young collections run when idle."""
        gc.set_threshold(20_000, 20, 1_000_000)  # young collections stay cheap; full ones wait for us

    def touch(self) -> None:
        """Note activity: postpone the idle collections."""
        if self._task is not None:
            self._task.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no running loop (tests driving the server object directly)
            self._task = None
            return
        self._task = loop.create_task(self._collect_later())

    def work_done(self) -> None:
        """After a piece of work: collect now if the budget allows it (and none ran for a while), else later."""
        if time.monotonic() - self._last >= max(MIN_INTERVAL_S, self._cost / BUDGET):
            self.forced += 1
            self.collect()
        self.touch()

    def collect(self) -> None:
        """A full collection: everything, the frozen survivors of the last one too."""
        started = time.monotonic()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._last = time.monotonic()
        self._cost = self._last - started

    def collect_young(self) -> None:
        """The two young generations only: what the last edits left, not the long-lived trees."""
        self.young += 1
        gc.collect(1)

    async def _collect_later(self) -> None:
        """Young generations after ``IDLE_S`` of quiet, everything after ``full_idle_s`` (activity cancels this)."""
        await asyncio.sleep(IDLE_S)
        await self._until_free()
        self.collect_young()
        await asyncio.sleep(max(0.0, self.full_idle_s - IDLE_S))
        await self._until_free()
        self.collect()

    async def _until_free(self) -> None:
        while self.busy():
            await asyncio.sleep(IDLE_S)

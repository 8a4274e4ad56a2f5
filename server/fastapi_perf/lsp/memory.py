"""Garbage collection on the server's terms: when the editor is idle, and on a budget when it never is.

Open documents hold hundreds of thousands of long-lived syntax-tree
objects. Python's cyclic collector would walk all of them in its full
collections, which can land in the middle of an edit and cost tens of
milliseconds. Instead, automatic full collections are put off, and a full
collection runs when the editor has been idle for a second; the survivors
are frozen out of later automatic collections, and the next full collection
unfreezes them first, so nothing garbage stays frozen for long.

An editor that is never idle for a second (a formatter on every keystroke,
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

IDLE_S = 1.0
MIN_INTERVAL_S = 10.0
BUDGET = 0.02
"""The largest share of the time forced (not idle) collections may take."""


class Collector:
    def __init__(self) -> None:
        self._task: asyncio.Task | None = None
        self._last = time.monotonic()
        self._cost = 0.0
        self.forced = 0
        """Full collections run because the budget allowed one, not because the editor was idle."""
        gc.set_threshold(20_000, 20, 1_000_000)  # young collections stay cheap; full ones wait for us

    def touch(self) -> None:
        """Note activity: postpone the idle collection."""
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
        started = time.monotonic()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._last = time.monotonic()
        self._cost = self._last - started

    async def _collect_later(self) -> None:
        await asyncio.sleep(IDLE_S)
        self.collect()

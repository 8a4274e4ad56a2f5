"""Garbage collection on the server's terms.

Open documents hold hundreds of thousands of long-lived syntax-tree
objects. Python's cyclic collector would walk all of them in its full
collections, which can land in the middle of an edit and cost tens of
milliseconds. Instead, a full collection runs when the editor has been idle
for a moment, and the survivors are frozen out of later automatic
collections; the next idle collection unfreezes them first, so nothing
garbage stays frozen for long.
"""

from __future__ import annotations

import asyncio
import gc

IDLE_S = 1.0


class IdleCollector:
    def __init__(self) -> None:
        self._task: asyncio.Task | None = None
        gc.set_threshold(20_000, 20, 1_000_000)  # young collections stay cheap; full ones wait for idle

    def touch(self) -> None:
        """Note activity: postpone the idle collection."""
        if self._task is not None:
            self._task.cancel()
        try:
            self._task = asyncio.ensure_future(self._collect_later())
        except RuntimeError:  # no running loop (tests driving the server object directly)
            self._task = None

    async def _collect_later(self) -> None:
        await asyncio.sleep(IDLE_S)
        gc.unfreeze()
        gc.collect()
        gc.freeze()

"""Garbage collection when the editor is never idle: on a budget (``lsp/memory.py``)."""

from __future__ import annotations

import asyncio
import gc
import time
import weakref

from fastapi_perf.lsp import memory


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_work_collects_cycles_once_the_budget_allows(monkeypatch) -> None:
    monkeypatch.setattr(memory, "MIN_INTERVAL_S", 0.05)
    thresholds = gc.get_threshold()
    try:
        collector = memory.Collector()
        collector.collect()
        collector._cost = 0.0  # as if it had been instant (in a large test process it is not)
        garbage = Node()
        alive = weakref.ref(garbage)
        del garbage
        collector.work_done()  # just collected: not yet due
        survived = alive() is not None
        assert survived and collector.forced == 0
        time.sleep(0.1)
        collector.work_done()
        freed = alive() is None
        assert freed and collector.forced == 1
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_the_interval_grows_with_what_a_collection_costs(monkeypatch) -> None:
    monkeypatch.setattr(memory, "MIN_INTERVAL_S", 0.0)
    thresholds = gc.get_threshold()
    try:
        collector = memory.Collector()
        collector.collect()
        collector._cost = 1.0  # a collection that took a second may run again only after 1 / BUDGET seconds
        collector.work_done()
        assert collector.forced == 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def promoted_garbage() -> weakref.ref:
    """A reference cycle that survived a young collection while alive (so it sits in the oldest generation), then dropped."""
    garbage = Node()
    alive = weakref.ref(garbage)
    gc.collect(1)
    del garbage
    return alive


async def test_idle_collects_the_young_generations_first_and_everything_only_later(monkeypatch) -> None:
    monkeypatch.setattr(memory, "IDLE_S", 0.05)
    thresholds = gc.get_threshold()
    try:
        collector = memory.Collector(full_idle_s=0.6)
        collector.collect()
        old = promoted_garbage()
        young = Node()
        young_alive = weakref.ref(young)
        del young
        collector.touch()
        await asyncio.sleep(0.3)
        assert collector.young == 1 and young_alive() is None  # the edit's garbage: gone after the short pause
        assert old() is not None  # the full collection has not run yet
        await asyncio.sleep(0.6)
        assert old() is None
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


async def test_no_idle_collection_while_work_is_pending(monkeypatch) -> None:
    monkeypatch.setattr(memory, "IDLE_S", 0.05)
    thresholds = gc.get_threshold()
    pending = [True]
    try:
        collector = memory.Collector(busy=lambda: pending[0], full_idle_s=0.1)
        collector.collect()
        old = promoted_garbage()
        collector.touch()
        await asyncio.sleep(0.4)
        assert collector.young == 0 and old() is not None
        pending[0] = False
        await asyncio.sleep(0.4)
        assert collector.young == 1 and old() is None
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)

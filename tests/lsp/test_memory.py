"""Garbage collection when the editor is never idle: on a budget (``lsp/memory.py``)."""

from __future__ import annotations

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

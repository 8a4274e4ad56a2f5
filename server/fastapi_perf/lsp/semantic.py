"""The second, slower tier: jedi's answers arrive as a later update.

An analysis records the questions it could not answer cheaply
(``analysis.inference``). After publishing, the scheduler has this module
answer them in a worker thread — the event loop keeps serving edits — then
invalidates the statements that asked, so the next analysis uses the
answers, and publishes again (or asks a pull client to refresh).

The time budget is enforced inside a question, not only between questions:
one ``infer`` call on a pathological module (an attribute chain hundreds of
links deep, star-import cycles) can run for half a minute, holding the GIL
half the time and so halving the event loop's speed. A trace function in
the worker thread stops jedi when the budget is spent; the questions left
count as unknown (no finding) until their statement changes. While jedi
runs, the interpreter's switch interval is shortened from 5 ms to 0.5 ms:
an edit arriving then waits that long, not 5 ms, each time it needs the
GIL back from the worker (which halved edit latency during inference on
the pathological module of ``tests/robustness/pathological.py``).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable
from typing import TypeVar

from ..analysis.names.inference import Inference
from ..user_dirs import jedi_cache
from .documents import OpenDocument
from .session import FastApiPerfServer


def attach_inference(ls: FastApiPerfServer, doc: OpenDocument) -> None:
    settings = doc.settings
    if settings.inference is False:
        doc.analysis.inference = None
        return
    root = settings.root
    doc.analysis.inference = Inference(
        root, interpreter=ls.editor.interpreter, trusted=ls.trusted, eager=False, budget_s=ANSWER_BUDGET_S,
        cache_folder=jedi_cache(),
    )
    doc.analysis.path = str(doc.path) if doc.path else None


ANSWER_BUDGET_S = 2.0
SWITCH_S = 0.0005

log = logging.getLogger(__name__)
T = TypeVar("T")


class OutOfTime(BaseException):
    """Raised inside jedi when the budget is spent.

    A ``BaseException``, so that jedi's own ``except Exception`` handlers
    cannot swallow it and carry on without a deadline.
    """


_workers = 0
_interval = 0.005


def _share_the_gil(change: int) -> None:
    """Short switch interval while any jedi worker runs (counted: several documents may have one)."""
    global _workers, _interval
    if change > 0 and _workers == 0:
        _interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_S)
    _workers += change
    if _workers == 0:
        sys.setswitchinterval(_interval)


def within(budget_s: float, work: Callable[..., T], *args) -> T:
    """Run ``work(*args)`` in this thread, stopping it with ``OutOfTime`` once ``budget_s`` has passed.

    The trace function sees each Python call of this thread only (it returns
    no line tracer), which costs jedi little; the previous tracer (a debugger,
    coverage) is put back afterwards.
    """
    deadline = time.monotonic() + budget_s
    clock = time.monotonic

    def trace(frame, event, arg):
        if clock() > deadline:
            raise OutOfTime
        return None

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        return work(*args)
    finally:
        sys.settrace(previous)


async def answer(doc: OpenDocument) -> set[int]:
    """Answer the questions the last analysis left for jedi, in a worker thread.

    Returns the text hashes of the statements that asked and got an answer
    (``OpenDocument.invalidate(statements=...)`` checks them again); empty
    when there was nothing to ask or nothing was learnt.
    """
    inference = doc.analysis.inference
    if inference is None or not inference.pending:
        return set()
    questions = dict(inference.pending)
    _share_the_gil(+1)
    try:
        text, path = doc.document.text, doc.analysis.path
        keys = await asyncio.to_thread(within, ANSWER_BUDGET_S, inference.answer_pending, text, path)
    except OutOfTime:
        keys = {key for key in questions if inference.answers.get(key) is not None}
        # A question that ran out of time is asked once more: the first batch also pays for
        # jedi's start-up (its environment, the stubs), which a loaded machine can make
        # longer than the budget. After that it stays unknown until its statement changes.
        again = [key for key in questions if key not in keys and key not in inference.retried]
        log.debug("jedi ran out of its %.1f s budget on %s; %d questions asked again, %d stay unknown",
                  ANSWER_BUDGET_S, doc.uri, len(again), len(questions) - len(keys) - len(again))
        for key, question in questions.items():
            if key in again:
                inference.retried.add(key)
                inference.answers.pop(key, None)
                inference.pending[key] = question
            else:
                inference.answers.setdefault(key, None)
    finally:
        _share_the_gil(-1)
    return {key[0] for key in keys}


def has_questions(doc: OpenDocument) -> bool:
    inference = doc.analysis.inference
    return inference is not None and bool(inference.pending)

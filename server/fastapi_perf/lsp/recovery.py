"""Statements ``ast`` rejects are parsed again in a worker thread, never on the event loop.

An open document parses its statements with ``ast`` on the loop, as they
are edited: that is the fast path, a fraction of a millisecond for a
function. A statement ``ast`` rejects (syntax newer than this Python, or a
syntax error while typing) is left *pending*: its slow path, the rewrite
of newer syntax and parso's error recovery, costs several times ``ast``'s
time and, for a method of a 4,000-line class, parses the whole class again.
It runs here, in a thread, before the analysis that publishes; a newer edit
that arrives meanwhile waits for nothing (its own task starts over). A
client that pulls diagnostics is answered once its request has awaited the
same.
"""

from __future__ import annotations

import asyncio

from ..analysis.source.chunks import SlowParse, slow_parse
from .documents import OpenDocument


async def complete_pending(doc: OpenDocument) -> bool:
    """Run the slow path of the document's pending statements; True if any result was put in place.

    The results go into the statements that were pending, if the document
    still has them: edits made meanwhile are re-split and re-parsed as usual.
    """
    document = doc.document
    pending = document.pending()
    if not pending:
        return False
    results = await asyncio.to_thread(_slow_parses, [(chunk.text, chunk.pending) for chunk in pending])
    placed = False
    for chunk, result in zip(pending, results):
        placed = document.complete(chunk, result) or placed
    if placed:
        doc.parsed_again()
    return placed


def _slow_parses(work: list[tuple[str, BaseException]]) -> list[SlowParse]:
    return [slow_parse(text, error) for text, error in work]

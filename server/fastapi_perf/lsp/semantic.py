"""The second, slower tier: jedi's answers arrive as a later update.

An analysis records the questions it could not answer cheaply
(``analysis.inference``). After publishing, this module answers them in a
worker thread — the event loop keeps serving edits — then drops the cached
findings of the statements that asked, so the next analysis uses the
answers, and publishes again (or asks a pull client to refresh).
"""

from __future__ import annotations

import asyncio

from ..analysis.inference import Inference
from .documents import OpenDocument
from .server import FastApiPerfServer


def attach_inference(ls: FastApiPerfServer, doc: OpenDocument) -> None:
    settings = doc.settings
    if settings.inference is False:
        doc.analysis.inference = None
        return
    root = settings.root
    doc.analysis.inference = Inference(
        root, interpreter=ls.editor.interpreter, trusted=getattr(ls, "trusted", True), eager=False, budget_s=ANSWER_BUDGET_S
    )
    doc.analysis.path = str(doc.path) if doc.path else None


ANSWER_BUDGET_S = 2.0


def answer_later(ls: FastApiPerfServer, doc: OpenDocument) -> None:
    """If the last analysis left questions for jedi, answer them off the loop and re-check."""
    inference = doc.analysis.inference
    if inference is None or not inference.pending or doc.semantic_task is not None:
        return
    doc.semantic_task = asyncio.ensure_future(_answer(ls, doc, inference))


async def _answer(ls: FastApiPerfServer, doc: OpenDocument, inference: Inference) -> None:
    from .sync import schedule

    try:
        text, path = doc.document.text, doc.analysis.path
        keys = await asyncio.to_thread(inference.answer_pending, text, path)
    finally:
        doc.semantic_task = None
    if ls.documents.get(doc.uri) is not doc or not keys:
        return
    asked = {key[0] for key in keys}
    touched = False
    for chunk in doc.document.chunks:
        if chunk.text and hash(chunk.text) in asked:
            chunk.findings = None
            touched = True
    if not touched:
        return
    doc.analysis_stale = True
    doc.revision += 1
    if ls.pull_mode:
        from .diagnostics import refresh_pull_diagnostics

        await refresh_pull_diagnostics(ls)
    else:
        schedule(ls, doc, 0)

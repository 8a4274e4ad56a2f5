"""The one place that decides when documents are checked again and when the client is told.

Handlers apply what a message says (an edit, new settings, a file changed
on disk) and report it here; this module decides what that makes out of
date and when to analyse:

- an edit: the document is analysed after the debounce delay, in a task a
  newer edit cancels (with a delay of 0 it still yields once, so a burst
  of queued edits is analysed once); after a quiet moment its summary in
  the workspace index is refreshed and the open documents that used it are
  checked again;
- settings, a ``pyproject.toml``, files on disk, the end of indexing: the
  documents concerned are invalidated and checked again;
- after each publication, jedi answers the questions the analysis left, and
  the statements that asked are checked again; and garbage is collected when
  the budget allows (``memory.py``).

A push client gets ``publishDiagnostics`` for each document checked again; a
pull client is asked to pull (``workspace/diagnostic/refresh``) and the
analysis runs when it does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from lsprotocol import types

from . import diagnostics, indexing, recovery, runtime_evidence, semantic
from .documents import OpenDocument
from .session import FastApiPerfServer

SETTLE_S = 0.3
"""Quiet time after an edit before the document's summary in the index is refreshed."""


# -- what happened ----------------------------------------------------------------------

def opened(ls: FastApiPerfServer, doc: OpenDocument) -> None:
    ls.documents[doc.uri] = doc
    indexing.attach(ls, doc)
    semantic.attach_inference(ls, doc)
    _analyse_soon(ls, doc, 0)


def edited(ls: FastApiPerfServer, doc: OpenDocument) -> None:
    _analyse_soon(ls, doc, ls.editor.debounce_ms)
    if ls.index is not None and doc.path is not None:
        _cancel(doc.settling)
        doc.settling = asyncio.ensure_future(_settle(ls, doc))
    # Typing is activity even while the debounce holds publications back: without this, the
    # idle collection (half a second on a 10,000-line file) ran a second into every burst.
    ls.collector.touch()


def closed(ls: FastApiPerfServer, doc: OpenDocument) -> None:
    for task in (doc.analysing, doc.settling, doc.inferring):
        _cancel(task)
    if ls.index is not None:  # its summary now comes from the disk again
        _recheck_dependents(ls, {doc.analysis.module_name})
    if not ls.pull_mode:
        diagnostics.clear(ls, doc.uri)


def settings_changed(ls: FastApiPerfServer) -> None:
    """Editor settings or a ``pyproject.toml`` changed: every document is checked with its new settings."""
    ls.forget_project_settings()
    for doc in ls.documents.values():
        settings = ls.settings_for(doc.path)
        doc.use_settings(settings, ls.engine_for(settings))
        semantic.attach_inference(ls, doc)
    if ls.index is not None:
        first = next(iter(ls.documents.values()), None)
        ls.index.options = first.settings.options if first is not None else ls.settings_for(None).options
        ls.index.invalidate_all()
    _recheck(ls, list(ls.documents.values()))


def files_changed(ls: FastApiPerfServer, changes: list[types.FileEvent]) -> None:
    """Watched Python files changed on disk: their users are checked again."""
    diagnostics.forget_disk_files()
    changed = indexing.files_changed(ls, changes)
    if changed:
        _recheck_dependents(ls, changed)


def runtime_report_changed(ls: FastApiPerfServer) -> None:
    """``fastapi-perf-runtime.json`` changed: read it again, every open document is shown again."""
    runtime_evidence.forget(ls)
    for doc in ls.documents.values():
        doc.parsed_again()  # a new stamp: a pull client's result id changes, the analysis is kept
    _recheck(ls, list(ls.documents.values()))


async def index_workspace(ls: FastApiPerfServer) -> None:
    """Build the workspace index; documents opened meanwhile are checked again with it."""
    await indexing.build_index(ls)
    if ls.index is None:
        return
    for doc in ls.documents.values():
        doc.invalidate(reset=True)
    _recheck(ls, list(ls.documents.values()))


def pulled(ls: FastApiPerfServer, doc: OpenDocument) -> None:
    """A pull client took the diagnostics of ``doc``: now jedi may answer what they left open."""
    _infer(ls, doc)
    ls.collector.work_done()


# -- what to do about it ----------------------------------------------------------------

def _analyse_soon(ls: FastApiPerfServer, doc: OpenDocument, delay_ms: int) -> None:
    """Analyse and publish ``doc`` after ``delay_ms``, replacing any analysis still waiting."""
    if ls.pull_mode:
        return  # the client asks when it wants diagnostics
    _cancel(doc.analysing)
    doc.analysing = asyncio.ensure_future(_analyse_later(ls, doc, delay_ms))


async def _analyse_later(ls: FastApiPerfServer, doc: OpenDocument, delay_ms: int) -> None:
    """Publish the document as it is then (an edit meanwhile replaced this task with its own)."""
    await asyncio.sleep(delay_ms / 1000)
    if ls.documents.get(doc.uri) is not doc:
        return
    await recovery.complete_pending(doc)  # the slow parses, in a thread
    if ls.documents.get(doc.uri) is not doc:
        return
    diagnostics.publish(ls, doc)
    _infer(ls, doc)
    ls.collector.work_done()


def _infer(ls: FastApiPerfServer, doc: OpenDocument) -> None:
    if doc.inferring is None and semantic.has_questions(doc):
        doc.inferring = asyncio.ensure_future(_infer_then_recheck(ls, doc))


async def _infer_then_recheck(ls: FastApiPerfServer, doc: OpenDocument) -> None:
    try:
        asked = await semantic.answer(doc)
    finally:
        doc.inferring = None
    if ls.documents.get(doc.uri) is not doc:
        return
    if asked and doc.invalidate(statements=asked):
        _recheck(ls, [doc])
    elif semantic.has_questions(doc):
        _infer(ls, doc)  # questions that ran out of time, asked once more


async def _settle(ls: FastApiPerfServer, doc: OpenDocument) -> None:
    await asyncio.sleep(SETTLE_S)
    if ls.index is not None and ls.documents.get(doc.uri) is doc:
        _recheck_dependents(ls, {doc.analysis.module_name}, exclude=doc)


def _recheck_dependents(ls: FastApiPerfServer, modules: set[str], exclude: OpenDocument | None = None) -> None:
    affected, users = indexing.dependents(ls, modules)
    users = [doc for doc in users if doc is not exclude]
    for doc in users:
        doc.invalidate(modules=affected)
    _recheck(ls, users)


def _recheck(ls: FastApiPerfServer, docs: Iterable[OpenDocument]) -> None:
    """Tell the client about invalidated documents: push them again, or have a pull client pull."""
    if ls.pull_mode:
        asyncio.ensure_future(diagnostics.refresh_pull_diagnostics(ls))
        return
    for doc in docs:
        _analyse_soon(ls, doc, 0)


def _cancel(task: asyncio.Future | None) -> None:
    if task is not None:
        task.cancel()

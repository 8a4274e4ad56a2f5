"""Text synchronisation and scheduling of analyses.

Edits are applied to the core document as they arrive; the analysis runs
after the debounce delay in a task that a newer edit cancels, and publishes
only if the document is still at the version it analysed. With a debounce
of 0 the task still yields once, so a burst of queued edits coalesces into
one analysis.
"""

from __future__ import annotations

import asyncio

from lsprotocol import types

from ..analysis.engine.incremental import IncrementalAnalysis
from ..analysis.names.modules import module_name_for
from ..analysis.source.document import Document
from .documents import OpenDocument, path_of
from .indexing import attach, document_settled
from .semantic import answer_later, attach_inference
from .server import FastApiPerfServer


def register(server: FastApiPerfServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: FastApiPerfServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        path = path_of(item.uri)
        settings = ls.settings_for(path)
        module, package = module_name_for(path, settings.root) if path else ("__main__", False)
        document = Document(item.text, item.version, recover=False)  # the slow path runs off the loop
        analysis = IncrementalAnalysis(document, ls.engine_for(settings), settings.options, module, package)
        doc = OpenDocument(item.uri, path, document, analysis, settings, item.language_id)
        ls.documents[item.uri] = doc
        attach(ls, doc)
        attach_inference(ls, doc)
        schedule(ls, doc, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: FastApiPerfServer, params: types.DidChangeTextDocumentParams) -> None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            ls.log(f"didChange for a document that is not open: {params.text_document.uri}", types.MessageType.Warning)
            return
        encoding = ls.encoding
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = doc.from_client(change.range.start, encoding)
                end = doc.from_client(change.range.end, encoding)
                doc.document.apply_change(start, end, change.text)
            else:
                doc.document.replace_all(change.text)
        doc.document.version = params.text_document.version
        schedule(ls, doc, ls.editor.debounce_ms)
        document_settled(ls, doc)
        # Typing is activity even while the debounce holds publications back: without this, the
        # idle collection (half a second on a 10,000-line file) ran a second into every burst.
        ls.collector.touch()

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: FastApiPerfServer, params: types.DidSaveTextDocumentParams) -> None:
        return None  # edits are analysed as they are typed; saving adds nothing

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: FastApiPerfServer, params: types.DidCloseTextDocumentParams) -> None:
        doc = ls.documents.pop(params.text_document.uri, None)
        if doc is None:
            return
        if doc.pending is not None:
            doc.pending.cancel()
        if doc.settle_task is not None:
            doc.settle_task.cancel()
        if ls.index is not None:  # its summary now comes from the disk again
            from .indexing import recheck_dependents

            recheck_dependents(ls, {doc.analysis.module_name})
        if not ls.pull_mode:
            ls.protocol.send_raw_notification(
                types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, {"uri": doc.uri, "diagnostics": []}
            )


def schedule(ls: FastApiPerfServer, doc: OpenDocument, delay_ms: int) -> None:
    """Analyse ``doc`` after ``delay_ms``, replacing any analysis still waiting."""
    if ls.pull_mode:
        return  # the client asks when it wants diagnostics
    if doc.pending is not None:
        doc.pending.cancel()
    doc.pending = asyncio.ensure_future(_analyse_later(ls, doc, doc.version, delay_ms))


async def _analyse_later(ls: FastApiPerfServer, doc: OpenDocument, version: int, delay_ms: int) -> None:
    from .diagnostics import publish
    from .recovery import complete_pending

    await asyncio.sleep(delay_ms / 1000)
    if ls.documents.get(doc.uri) is not doc or doc.version != version:
        return
    await complete_pending(doc)
    if ls.documents.get(doc.uri) is not doc or doc.version != version:
        return
    publish(ls, doc)
    answer_later(ls, doc)
    ls.collector.touch()

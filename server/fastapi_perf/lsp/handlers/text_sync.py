"""Text synchronisation: open, change and close documents.

The server keeps each open document itself (``analysis.document``: it
re-parses only the statements an edit touches); ``didChange`` applies the
changes in order and tells the scheduler, which decides what to analyse.
"""

from __future__ import annotations

from lsprotocol import types

from ...analysis.document import Document
from ...analysis.incremental import IncrementalAnalysis
from ...analysis.modules import module_name_for
from .. import scheduler
from ..documents import OpenDocument, path_of
from ..session import FastApiPerfServer


def did_open(ls: FastApiPerfServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    path = path_of(item.uri)
    settings = ls.settings_for(path)
    module, package = module_name_for(path, settings.root) if path else ("__main__", False)
    document = Document(item.text, item.version)
    analysis = IncrementalAnalysis(document, ls.engine_for(settings), settings.options, module, package)
    scheduler.opened(ls, OpenDocument(item.uri, path, document, analysis, settings))


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
    doc.changed(params.text_document.version)
    scheduler.edited(ls, doc)


def did_save(ls: FastApiPerfServer, params: types.DidSaveTextDocumentParams) -> None:
    return None  # edits are analysed as they are typed; saving adds nothing


def did_close(ls: FastApiPerfServer, params: types.DidCloseTextDocumentParams) -> None:
    doc = ls.documents.pop(params.text_document.uri, None)
    if doc is not None:
        scheduler.closed(ls, doc)

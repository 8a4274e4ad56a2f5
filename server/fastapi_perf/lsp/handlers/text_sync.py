"""Text synchronisation: open, change and close documents.

The server keeps each open document itself (``analysis.document``: it
re-parses only the statements an edit touches); ``didChange`` applies the
changes in order and tells the scheduler, which decides what to analyse.
Every change is applied, whatever its version (a client may repeat one, or
go back): versions order publications, they do not gate edits. A range
outside the document is clamped to it as editors clamp it (a column past
the end of its line is the line's end, as the LSP says; a line past the
last is the end of the document; a reversed range is put in order), and
the last two are logged: the client's and the server's texts stay equal.
"""

from __future__ import annotations

from lsprotocol import types

from ...analysis.source.document import Document
from ...analysis.findings import Position
from ...analysis.engine.incremental import IncrementalAnalysis
from ...analysis.names.modules import module_name_for
from .. import scheduler
from ..documents import OpenDocument, path_of
from ..session import FastApiPerfServer


def did_open(ls: FastApiPerfServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    path = path_of(item.uri)
    settings = ls.settings_for(path)
    module, package = module_name_for(path, settings.root) if path else ("__main__", False)
    document = Document(item.text, item.version, recover=False)  # the slow path runs off the loop (recovery.py)
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
            start, end = _within(ls, doc, change.range, encoding)
            doc.document.apply_change(start, end, change.text)
        else:
            doc.document.replace_all(change.text)
    doc.changed(params.text_document.version)
    scheduler.edited(ls, doc)


def _within(ls: FastApiPerfServer, doc: OpenDocument, span: types.Range, encoding: str) -> tuple[Position, Position]:
    """The range in code points, clamped to the document as editors do (``Document.offset`` clamps columns)."""
    lines = doc.document.line_count
    start, end = doc.from_client(span.start, encoding), doc.from_client(span.end, encoding)
    problems = [f"line {p.line} is past the last line ({lines - 1})" for p in (span.start, span.end) if p.line >= lines]
    if end < start:
        start, end = end, start
        problems.append("its start is after its end")
    if problems:
        where = f"{span.start.line}:{span.start.character}-{span.end.line}:{span.end.character}"
        ls.log(f"didChange for {doc.uri}: range {where}: {'; '.join(problems)}; applied clamped", types.MessageType.Warning)
    return start, end


def did_save(ls: FastApiPerfServer, params: types.DidSaveTextDocumentParams) -> None:
    return None  # edits are analysed as they are typed; saving adds nothing


def did_close(ls: FastApiPerfServer, params: types.DidCloseTextDocumentParams) -> None:
    doc = ls.documents.pop(params.text_document.uri, None)
    if doc is not None:
        scheduler.closed(ls, doc)

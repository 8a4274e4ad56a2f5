"""Pulled diagnostics: ``textDocument/diagnostic`` and ``workspace/diagnostic``.

Result ids are document stamps (``documents.py``): a document whose state
has not changed since the client's last pull answers ``unchanged``.
"""

from __future__ import annotations

from lsprotocol import types

from .. import recovery, scheduler
from ..convert import SOURCE
from ..diagnostics import diagnostics_for, result_id
from ..session import FastApiPerfServer

OPTIONS = types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=True)


async def document_diagnostic(ls: FastApiPerfServer, params: types.DocumentDiagnosticParams):
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return {"kind": "full", "items": []}
    await recovery.complete_pending(doc)
    rid = result_id(doc)
    if params.previous_result_id == rid:
        return {"kind": "unchanged", "resultId": rid}
    items = diagnostics_for(ls, doc)
    scheduler.pulled(ls, doc)
    return {"kind": "full", "resultId": result_id(doc), "items": items}


async def workspace_diagnostic(ls: FastApiPerfServer, params: types.WorkspaceDiagnosticParams):
    previous = {p.uri: p.value for p in params.previous_result_ids or []}
    reports = []
    for doc in list(ls.documents.values()):
        await recovery.complete_pending(doc)
        rid = result_id(doc)
        if previous.get(doc.uri) == rid:
            reports.append({"kind": "unchanged", "uri": doc.uri, "version": doc.version, "resultId": rid})
        else:
            items = diagnostics_for(ls, doc)
            reports.append({"kind": "full", "uri": doc.uri, "version": doc.version, "resultId": result_id(doc), "items": items})
    return {"items": reports}

"""Fix-all in the editor, and fix edits as a ``WorkspaceEdit``.

Fix-all applies every applicable fix the way ``fastapi-perf check --fix``
does (safe ones, and unsafe ones when ``fixAll.unsafe`` is set), analysing
again between rounds with what the document's diagnostics are computed
with (its engine, options, path, the workspace index, jedi's answers so
far), and returns the change as one edit: the span between the first and
the last character that differ. A single quick fix also drops the imports
it leaves unused (``import time`` after the last ``time.sleep`` became
``await asyncio.sleep``), as ``--fix`` does.
"""

from __future__ import annotations

from lsprotocol import types

from ..analysis.engine.file_analysis import analyse_text
from ..analysis.findings import Position, Range
from ..analysis.source.positions import position_at
from ..checker.fixing import fix_text
from ..checker.unused_imports import drop_imports_left_unused
from .convert import lsp_range
from .documents import OpenDocument
from .session import FastApiPerfServer

FIX_ALL = "source.fixAll.fastapi-perf"


def has_fixes(doc: OpenDocument) -> bool:
    """Whether the last analysis found anything with a fix (fix-all is offered then)."""
    # None right after the index finished, until a pull client pulls again: the current state's then.
    last = doc.analysis.last or doc.latest()
    return any(f.fix is not None for f in doc.shown(last.findings))


def fix_all_edits(ls: FastApiPerfServer, doc: OpenDocument) -> list[dict]:
    """One edit that applies every applicable fix, as ``--fix`` would."""
    analysis = doc.analysis
    inference = analysis.inference.answers_only() if analysis.inference is not None else None
    original = doc.document.text

    def analyse(text: str):
        result = analyse_text(
            text, analysis.engine, analysis.options, analysis.module_name, analysis.is_package,
            analysis.path, index=analysis.index, inference=inference,
        )
        return doc.shown(result.findings)

    fixed, applied, _ = fix_text(original, analyse, doc.settings.unsafe_fixes)
    if not applied or fixed == original:
        return []
    return [_one_edit(ls, doc, original, fixed)]


def quick_fix_edits(ls: FastApiPerfServer, doc: OpenDocument, edits: list[dict]) -> list[dict]:
    """A finding's fix edits (client units), with the imports they leave unused removed."""
    original = doc.document.text
    offsets = []
    for edit in edits:
        start, end = (
            doc.document.offset(doc.from_client(types.Position(**edit["range"][side]), ls.encoding))
            for side in ("start", "end")
        )
        offsets.append((start, end, edit["newText"]))
    fixed = original
    for start, end, new_text in sorted(offsets, reverse=True):
        fixed = fixed[:start] + new_text + fixed[end:]
    cleaned = drop_imports_left_unused(original, fixed)
    if cleaned == fixed:
        return edits
    return [_one_edit(ls, doc, original, cleaned)]


def _one_edit(ls: FastApiPerfServer, doc: OpenDocument, original: str, fixed: str) -> dict:
    """The change from ``original`` to ``fixed`` as one edit of the span that differs."""
    prefix = 0
    limit = min(len(original), len(fixed))
    while prefix < limit and original[prefix] == fixed[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and original[-1 - suffix] == fixed[-1 - suffix]:
        suffix += 1
    start = Position(*position_at(original, prefix))
    end = Position(*position_at(original, len(original) - suffix))
    return {"range": lsp_range(doc, Range(start, end), ls.encoding), "newText": fixed[prefix : len(fixed) - suffix]}


def workspace_edit(ls: FastApiPerfServer, doc: OpenDocument, edits: list[dict]) -> types.WorkspaceEdit:
    """Edits (JSON-ready, in client units) as a ``WorkspaceEdit``, versioned when the client takes that."""
    text_edits = [
        types.TextEdit(
            range=types.Range(
                types.Position(e["range"]["start"]["line"], e["range"]["start"]["character"]),
                types.Position(e["range"]["end"]["line"], e["range"]["end"]["character"]),
            ),
            new_text=e["newText"],
        )
        for e in edits
    ]
    caps = ls.client_capabilities.workspace
    if caps and caps.workspace_edit and caps.workspace_edit.document_changes:
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
                    edits=text_edits,
                )
            ]
        )
    return types.WorkspaceEdit(changes={doc.uri: text_edits})

"""Code actions: a quick fix per fixable finding, "disable for this line", and fix-all.

Quick fixes and ``# noqa`` edits come straight from the diagnostic's
``data``. Fix-all (``source.fixAll.fastapi-perf``) applies every applicable
fix the way ``fastapi-perf check --fix`` does (safe ones, and unsafe ones
when ``fixAll.unsafe`` is set) and returns one edit. When the client can
resolve code actions lazily, the edit is computed in ``codeAction/resolve``.
"""

from __future__ import annotations

from lsprotocol import types

from ..analysis.file_analysis import analyse_text
from ..analysis.findings import Position, Range
from ..analysis.positions import position_at
from ..checker.fixing import fix_text
from .diagnostics import lsp_range, matches_current
from .documents import OpenDocument
from .server import SOURCE, FastApiPerfServer

FIX_ALL = "source.fixAll.fastapi-perf"
KINDS = [types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL]


def _wants(only: list[str] | None, kind: str) -> bool:
    if not only:
        return True
    return any(kind == o or kind.startswith(o + ".") for o in only)


def _supports_resolve(ls: FastApiPerfServer) -> bool:
    caps = ls.client_capabilities.text_document
    action = caps.code_action if caps else None
    support = action.resolve_support if action else None
    return bool(support and "edit" in support.properties)


def _workspace_edit(ls: FastApiPerfServer, doc: OpenDocument, edits: list[dict]) -> types.WorkspaceEdit:
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


def fix_all_edits(ls: FastApiPerfServer, doc: OpenDocument) -> list[dict]:
    """One edit that applies every applicable fix, as ``--fix`` would."""
    settings = doc.settings
    engine = ls.engine_for(settings)
    analysis = doc.analysis
    original = doc.document.text

    def analyse(text: str):
        return analyse_text(text, engine, settings.options, analysis.module_name, analysis.is_package).findings

    fixed, applied, _ = fix_text(original, analyse, settings.unsafe_fixes)
    if not applied or fixed == original:
        return []
    prefix = 0
    limit = min(len(original), len(fixed))
    while prefix < limit and original[prefix] == fixed[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and original[-1 - suffix] == fixed[-1 - suffix]:
        suffix += 1
    start = Position(*position_at(original, prefix))
    end = Position(*position_at(original, len(original) - suffix))
    return [{"range": lsp_range(doc, Range(start, end), ls.encoding), "newText": fixed[prefix : len(fixed) - suffix]}]


def register(server: FastApiPerfServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=True),
    )
    def code_action(ls: FastApiPerfServer, params: types.CodeActionParams):
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        only = params.context.only
        lazy = _supports_resolve(ls)
        actions: list[types.CodeAction] = []
        if _wants(only, types.CodeActionKind.QuickFix):
            for diagnostic in params.context.diagnostics:
                data = diagnostic.data if isinstance(diagnostic.data, dict) else None
                if diagnostic.source != SOURCE or data is None or not matches_current(ls, doc, diagnostic):
                    continue
                fix = data.get("fix")
                if fix:
                    unsafe = fix["applicability"] != "safe"
                    title = f"{fix['title']} ({diagnostic.code}{', unsafe' if unsafe else ''})"
                    actions.append(_action(ls, doc, title, types.CodeActionKind.QuickFix, fix["edits"], [diagnostic], not unsafe, lazy))
                noqa = data.get("noqa")
                if noqa:
                    title = f"Disable {diagnostic.code} for this line"
                    actions.append(_action(ls, doc, title, types.CodeActionKind.QuickFix, [noqa], [diagnostic], False, lazy))
        if _wants(only, FIX_ALL) and any(
            f.fix is not None for f in (doc.analysis.last.findings if doc.analysis.last else [])
        ):
            action = types.CodeAction(title="fastapi-perf: Fix all auto-fixable problems", kind=FIX_ALL)
            if lazy:
                action.data = {"uri": doc.uri, "version": doc.version, "fixAll": True}
            else:
                edits = fix_all_edits(ls, doc)
                if not edits:
                    return actions or None
                action.edit = _workspace_edit(ls, doc, edits)
            actions.append(action)
        return actions or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    def resolve(ls: FastApiPerfServer, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        doc = ls.documents.get(data.get("uri", ""))
        if doc is None or data.get("version") != doc.version:
            return action
        edits = fix_all_edits(ls, doc) if data.get("fixAll") else data.get("edits", [])
        if edits:
            action.edit = _workspace_edit(ls, doc, edits)
        return action


def _action(ls, doc, title, kind, edits, diagnostics, preferred, lazy) -> types.CodeAction:
    action = types.CodeAction(title=title, kind=kind, diagnostics=diagnostics, is_preferred=preferred or None)
    if lazy:
        action.data = {"uri": doc.uri, "version": doc.version, "edits": edits}
    else:
        action.edit = _workspace_edit(ls, doc, edits)
    return action

"""Code actions: a quick fix per fixable finding, "disable for this line", and fix-all.

Quick fixes and ``# noqa`` edits come straight from the diagnostic's
``data``. Fix-all (``source.fixAll.fastapi-perf``) applies every applicable
fix the way ``fastapi-perf check --fix`` does (``fixes.py``) and returns one
edit. When the client can resolve code actions lazily, the edit is computed
in ``codeAction/resolve``.
"""

from __future__ import annotations

from lsprotocol import types

from ..convert import SOURCE
from ..diagnostics import matches_current
from ..documents import OpenDocument
from ..fixes import FIX_ALL, fix_all_edits, has_fixes, quick_fix_edits, workspace_edit
from ..session import FastApiPerfServer

OPTIONS = types.CodeActionOptions(
    code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL], resolve_provider=True
)
FIX_ALL_TITLE = "fastapi-perf: Fix all auto-fixable problems"


def code_action(ls: FastApiPerfServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    only = params.context.only
    lazy = _supports_resolve(ls)
    actions: list[types.CodeAction] = []
    if _wants(only, types.CodeActionKind.QuickFix):
        for diagnostic in params.context.diagnostics:
            actions.extend(_quick_fixes(ls, doc, diagnostic, lazy))
    if _wants(only, FIX_ALL) and has_fixes(doc):
        action = types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL)
        if lazy:
            action.data = {"uri": doc.uri, "version": doc.version, "fixAll": True}
            actions.append(action)
        elif edits := fix_all_edits(ls, doc):
            action.edit = workspace_edit(ls, doc, edits)
            actions.append(action)
    return actions or None


def code_action_resolve(ls: FastApiPerfServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    doc = ls.documents.get(data.get("uri", ""))
    if doc is None or data.get("version") != doc.version:
        return action
    if data.get("fixAll"):
        edits = fix_all_edits(ls, doc)
    else:
        edits = quick_fix_edits(ls, doc, data["edits"]) if data.get("fix") else data.get("edits", [])
    if edits:
        action.edit = workspace_edit(ls, doc, edits)
    return action


def _quick_fixes(ls: FastApiPerfServer, doc: OpenDocument, diagnostic: types.Diagnostic, lazy: bool) -> list[types.CodeAction]:
    """The fix of one of our diagnostics and its "disable" action, if it describes the text as it is."""
    data = diagnostic.data if isinstance(diagnostic.data, dict) else None
    if diagnostic.source != SOURCE or data is None or not matches_current(ls, doc, diagnostic):
        return []
    actions = []
    fix = data.get("fix")
    if fix:
        unsafe = fix["applicability"] != "safe"
        title = f"{fix['title']} ({diagnostic.code}{', unsafe' if unsafe else ''})"
        actions.append(_action(ls, doc, title, fix["edits"], diagnostic, not unsafe, lazy, fix=True))
    noqa = data.get("noqa")
    if noqa:
        actions.append(_action(ls, doc, f"Disable {diagnostic.code} for this line", [noqa], diagnostic, False, lazy))
    return actions


def _action(ls, doc, title, edits, diagnostic, preferred, lazy, fix=False) -> types.CodeAction:
    """A quick fix; a finding's fix (``fix``) also drops the imports it leaves unused, computed on resolve when lazy."""
    action = types.CodeAction(
        title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic], is_preferred=preferred or None
    )
    if lazy:
        action.data = {"uri": doc.uri, "version": doc.version, "edits": edits, "fix": fix}
    else:
        action.edit = workspace_edit(ls, doc, quick_fix_edits(ls, doc, edits) if fix else edits)
    return action


def _wants(only: list[str] | None, kind: str) -> bool:
    if not only:
        return True
    return any(kind == o or kind.startswith(o + ".") for o in only)


def _supports_resolve(ls: FastApiPerfServer) -> bool:
    caps = ls.client_capabilities.text_document
    action = caps.code_action if caps else None
    support = action.resolve_support if action else None
    return bool(support and "edit" in support.properties)

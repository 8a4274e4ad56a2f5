"""Quick fixes, "disable for this line" and fix-all, applied the way an editor applies them."""

from __future__ import annotations

import ast

from lsprotocol import types

from .conftest import APP
from .session import apply_edits, change, diagnostics, edits_of, encoding, open_document


async def actions_for(client, uri: str, diagnostic: types.Diagnostic | None, only=None) -> list[types.CodeAction]:
    span = diagnostic.range if diagnostic else types.Range(types.Position(0, 0), types.Position(0, 0))
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=span,
            context=types.CodeActionContext(diagnostics=[diagnostic] if diagnostic else [], only=only),
        )
    )
    actions = []
    for action in result or []:
        if action.edit is None:
            action = await client.code_action_resolve_async(action)
        actions.append(action)
    return actions


def replace_document(client, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def test_quick_fix_is_applied_and_the_finding_goes(client) -> None:
    uri = open_document(client, APP)
    found = await diagnostics(client, uri, 1)
    sleep = next(d for d in found if d.code == "FAP103")
    actions = await actions_for(client, uri, sleep, only=[types.CodeActionKind.QuickFix])
    titles = [a.title for a in actions]
    assert titles == ["Replace with `await asyncio.sleep(...)` (FAP103)", "Disable FAP103 for this line"]
    assert actions[0].is_preferred and actions[0].kind == types.CodeActionKind.QuickFix
    fixed = apply_edits(APP, edits_of(actions[0], uri), encoding(client))
    ast.parse(fixed)
    assert "await asyncio.sleep(1)" in fixed and "import asyncio\n" in fixed
    assert "import time" not in fixed, "the import the fix left unused goes, as with --fix"
    replace_document(client, uri, 2, fixed)
    assert not [d for d in await diagnostics(client, uri, 2) if d.code == "FAP103"]


async def test_quick_fix_keeps_an_import_still_used(client) -> None:
    text = APP + "\n\ndef started() -> float:\n    return time.monotonic()\n"
    uri = open_document(client, text)
    sleep = next(d for d in await diagnostics(client, uri, 1) if d.code == "FAP103")
    (fix, _) = await actions_for(client, uri, sleep, only=[types.CodeActionKind.QuickFix])
    fixed = apply_edits(text, edits_of(fix, uri), encoding(client))
    assert "await asyncio.sleep(1)" in fixed and fixed.startswith("import asyncio\nimport time\n")


async def test_unsafe_fix_says_so(client) -> None:
    uri = open_document(client, APP)
    found = await diagnostics(client, uri, 1)
    route = next(d for d in found if d.code == "FAP201")
    (fix, noqa) = await actions_for(client, uri, route, only=[types.CodeActionKind.QuickFix])
    assert fix.title == "Convert to `def` (FAP201, unsafe)" and not fix.is_preferred
    assert "def root():" in apply_edits(APP, edits_of(fix, uri), encoding(client))


async def test_noqa_action_silences_the_line(client) -> None:
    uri = open_document(client, APP)
    sleep = next(d for d in await diagnostics(client, uri, 1) if d.code == "FAP103")
    noqa = (await actions_for(client, uri, sleep))[1]
    text = apply_edits(APP, edits_of(noqa, uri), encoding(client))
    assert "    time.sleep(1)  # noqa: FAP103\n" in text
    replace_document(client, uri, 2, text)
    assert [d.code for d in await diagnostics(client, uri, 2)] == ["FAP201"]


async def test_noqa_extends_an_existing_list(client) -> None:
    text = APP.replace("    time.sleep(1)\n", "    time.sleep(1); open('x')  # noqa: FAP104\n")
    uri = open_document(client, text)
    sleep = next(d for d in await diagnostics(client, uri, 1) if d.code == "FAP103")
    noqa = (await actions_for(client, uri, sleep))[1]
    assert "# noqa: FAP104, FAP103\n" in apply_edits(text, edits_of(noqa, uri), encoding(client))


async def test_fix_all_applies_safe_fixes(client) -> None:
    text = APP.replace("    time.sleep(1)\n", "    time.sleep(1)\n    time.sleep(2)\n    await asyncio.sleep(0)\n")
    text = "import asyncio\n" + text
    uri = open_document(client, text)
    await diagnostics(client, uri, 1)
    actions = await actions_for(client, uri, None, only=["source.fixAll.fastapi-perf"])
    assert [a.kind for a in actions] == ["source.fixAll.fastapi-perf"]
    fixed = apply_edits(text, edits_of(actions[0], uri), encoding(client))
    ast.parse(fixed)
    assert fixed.count("await asyncio.sleep(") == 3 and "time.sleep" not in fixed
    replace_document(client, uri, 2, fixed)
    assert not await diagnostics(client, uri, 2)


async def test_fixes_apply_in_a_document_with_a_syntax_error_elsewhere(client) -> None:
    broken = "\n\n@app.get('/b')\nasync def b():\n    time.sleep(2)\n    rows = fetch(\n    return rows\n"
    text = "import asyncio\n" + APP.replace("    time.sleep(1)\n", "    time.sleep(1)\n    await asyncio.sleep(0)\n") + broken
    uri = open_document(client, text)
    found = await diagnostics(client, uri, 1)
    assert [d.range.start.line for d in found if d.code == "FAP103"] == [10, 17]  # the broken function's call too
    sleep = next(d for d in found if d.code == "FAP103")
    (quick, _) = await actions_for(client, uri, sleep, only=[types.CodeActionKind.QuickFix])
    assert apply_edits(text, edits_of(quick, uri), encoding(client)) == text.replace("time.sleep(1)", "await asyncio.sleep(1)")
    (fix_all,) = await actions_for(client, uri, None, only=["source.fixAll.fastapi-perf"])
    fixed = apply_edits(text, edits_of(fix_all, uri), encoding(client))
    # Outside the fixes' edits the text is as it was, the broken lines included.
    assert fixed == text.replace("    time.sleep(1)", "    await asyncio.sleep(1)").replace("    time.sleep(2)", "    await asyncio.sleep(2)")


async def test_fix_all_with_unsafe_fixes_enabled(vscode) -> None:
    vscode.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"fastapi-perf": {"debounce": 0, "fixAll": {"unsafe": True}}})
    )
    uri = open_document(vscode, APP)
    while True:
        found = await diagnostics(vscode, uri, 1)
        if found:
            break
    actions = await actions_for(vscode, uri, None, only=[types.CodeActionKind.SourceFixAll])
    fixed = apply_edits(APP, edits_of(actions[0], uri), "utf-16")
    assert "def root():" in fixed and "async def" not in fixed


async def test_stale_diagnostics_offer_no_quick_fix(client) -> None:
    uri = open_document(client, APP)
    sleep = next(d for d in await diagnostics(client, uri, 1) if d.code == "FAP103")
    change(client, uri, 2, (0, 0), (0, 0), "# moved\n")
    await diagnostics(client, uri, 2)
    assert await actions_for(client, uri, sleep, only=[types.CodeActionKind.QuickFix]) == []

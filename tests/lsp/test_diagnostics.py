"""Open, change, close; pushed and pulled diagnostics; what each diagnostic carries."""

from __future__ import annotations

import pytest
from lsprotocol import types

from .conftest import APP
from .session import change, diagnostics, indexed, is_pull, open_document, published


async def test_open_reports_findings_with_everything_a_client_needs(client) -> None:
    uri = open_document(client, APP)
    found = await diagnostics(client, uri, 1)
    by_code = {d.code: d for d in found}
    assert set(by_code) == {"FAP103", "FAP201"}
    sleep = by_code["FAP103"]
    assert sleep.range.start == types.Position(9, 4) and sleep.range.end == types.Position(9, 17)
    assert sleep.source == "fastapi-perf"
    assert sleep.severity == types.DiagnosticSeverity.Warning
    assert sleep.code_description.href.endswith("/docs/rules/FAP103.md")
    assert sleep.data["fix"]["applicability"] == "safe" and sleep.data["noqa"]["newText"] == "  # noqa: FAP103"


async def test_change_updates_and_close_clears(client) -> None:
    uri = open_document(client, APP)
    await diagnostics(client, uri, 1)
    change(client, uri, 2, (9, 4), (9, 17), "await asyncio.sleep(1)")
    found = await diagnostics(client, uri, 2)
    assert [d.code for d in found] == []
    change(client, uri, 3, (9, 4), (9, 26), "time.sleep(2)")
    assert {d.code for d in await diagnostics(client, uri, 3)} == {"FAP103", "FAP201"}
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    if not is_pull(client):
        assert await published(client, uri, lambda found: not found) == []


@pytest.mark.parametrize("client", ["neovim@v0.11.0"], indirect=True)
async def test_pull_result_ids_follow_versions(client) -> None:
    assert is_pull(client)
    await indexed(client)  # its end re-checks every document: a new result id
    uri = open_document(client, APP)
    first = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert first.kind == "full" and first.result_id
    again = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=first.result_id)
    )
    assert again.kind == "unchanged" and again.result_id == first.result_id
    change(client, uri, 2, (9, 4), (9, 4), "x = 1; ")
    third = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=first.result_id)
    )
    assert third.kind == "full" and third.result_id != first.result_id
    workspace = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    assert [(r.uri, r.kind) for r in workspace.items] == [(uri, "full")]
    assert client.diagnostics == {}, "a pull client must not also get pushed diagnostics"

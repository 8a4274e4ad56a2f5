"""Helpers that speak to the server the way an editor does."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient


def is_pull(client: LanguageClient) -> bool:
    return client.client_name.startswith("neovim@v0.11")


def encoding(client: LanguageClient) -> str:
    return {"emacs": "utf-32", "neovim@v0.11.0": "utf-8"}.get(client.client_name, "utf-16")


def open_document(client: LanguageClient, text: str, name: str = "app.py", version: int = 1) -> str:
    path: Path = client.root / name
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text))
    )
    return uri


WAIT_S = 60.0


def record_publications(client: LanguageClient) -> None:
    """Keep every publishDiagnostics the server sends.

    pytest-lsp's ``wait_for_notification`` sees only the notification that
    arrives while it waits; two in a row (a republish, then the version a
    test waits for) would lose the second. Tests read this log instead.
    """
    client.published = []
    client.published_read = 0
    client.published_event = asyncio.Event()

    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)
        client.published_event.set()

    client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish


async def next_publication(client: LanguageClient, accept) -> types.PublishDiagnosticsParams:
    """The first publication after the ones already read that ``accept`` takes (fails after a while)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_S
    while True:
        while client.published_read < len(client.published):
            params = client.published[client.published_read]
            client.published_read += 1
            if accept(params):
                return params
        client.published_event.clear()
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise AssertionError("the expected diagnostics never arrived")
        try:
            await asyncio.wait_for(client.published_event.wait(), remaining)
        except asyncio.TimeoutError:
            raise AssertionError("the expected diagnostics never arrived") from None


async def diagnostics(client: LanguageClient, uri: str, version: int) -> list[types.Diagnostic]:
    """The diagnostics for exactly this version: pushed, or pulled when the client pulls."""
    if is_pull(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        return list(report.items)

    def accept(params: types.PublishDiagnosticsParams) -> bool:
        if params.uri != uri:
            return False
        assert params.version is None or params.version <= version, "diagnostics for a newer version than sent"
        return params.version == version

    return list((await next_publication(client, accept)).diagnostics)


def change(client: LanguageClient, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(*start), types.Position(*end)), text=text
                )
            ],
        )
    )


def apply_edits(text: str, edits: list[types.TextEdit], unit: str) -> str:
    """Apply LSP text edits to text, counting columns in ``unit``."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        column = 0
        count = 0
        for ch in line:
            if count >= position.character:
                break
            count += {"utf-16": 2 if ord(ch) > 0xFFFF else 1, "utf-8": len(ch.encode()), "utf-32": 1}[unit]
            column += 1
        return before + column

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
        lines = text.split("\n")
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    edit = action.edit
    assert edit is not None
    if edit.document_changes:
        return [e for change in edit.document_changes if change.text_document.uri == uri for e in change.edits]
    return list(edit.changes[uri])


async def published(client: LanguageClient, uri: str, predicate, limit: int = 0) -> list[types.Diagnostic]:
    """The first diagnostics pushed for ``uri`` that satisfy ``predicate``.

    The server may publish a document again when something else changes (the
    background index finishing, say); a test waits for the state it expects.
    """
    params = await next_publication(client, lambda p: p.uri == uri and predicate(list(p.diagnostics)))
    return list(params.diagnostics)


async def indexed(client: LanguageClient) -> None:
    """Wait until the server reports that it finished indexing the workspace (it then checks every document again)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_S
    while not any(
        isinstance(report, types.WorkDoneProgressEnd) for report in client.progress_reports.get("fastapi-perf-indexing", [])
    ):
        if loop.time() > deadline:
            raise AssertionError("the workspace was never indexed")
        await asyncio.sleep(0.05)

from lsprotocol import types

from .conftest import APP
from .session import diagnostics, open_document


async def hover_at(client, uri, line, character):
    return await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, character))
    )


async def test_hover_on_a_finding_explains_the_rule(client) -> None:
    uri = open_document(client, APP)
    await diagnostics(client, uri, 1)
    result = await hover_at(client, uri, 9, 8)
    assert result is not None and result.contents.kind == types.MarkupKind.Markdown
    assert "**FAP103** `blocking-sleep`" in result.contents.value
    assert "docs/rules/FAP103.md" in result.contents.value
    assert await hover_at(client, uri, 4, 2) is None


async def test_hover_does_not_repeat_the_diagnostic_message(client) -> None:
    """Editors show the diagnostic's message in the hover popup themselves (issue 18: it appeared twice)."""
    uri = open_document(client, APP)
    found = await diagnostics(client, uri, 1)
    sleep = next(d for d in found if d.code == "FAP103")
    result = await hover_at(client, uri, sleep.range.start.line, sleep.range.start.character + 2)
    assert result is not None
    text = result.contents.value
    assert sleep.message not in text
    assert text.count("**FAP103**") == 1 and text.count("[Documentation]") == 1


async def test_hover_on_a_noqa_code(client) -> None:
    text = APP.replace("    time.sleep(1)\n", "    time.sleep(1)  # noqa: FAP104, FAP103\n")
    uri = open_document(client, text)
    await diagnostics(client, uri, 1)
    line = text.splitlines()[9]
    result = await hover_at(client, uri, 9, line.index("FAP104") + 2)
    assert result is not None and "**FAP104** `blocking-file-io`" in result.contents.value

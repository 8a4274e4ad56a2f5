"""The bad-input catalogue: every case has a stated outcome, and the server or CLI meets it.

``CASES`` is the catalogue (``docs/robustness.md`` shows the same table;
``test_catalogue.py`` keeps the two in step). Editor cases share one server (VS Code's
capabilities: UTF-16, pushed diagnostics) unless they need a client of their
own; each checks that nothing new was logged as an error (window/logMessage
or window/showMessage of type Error, or a traceback on stderr) unless the
outcome says an error message is the right answer.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import client_capabilities

from .edits import APP
from .harness import (
    ENV,
    RecordingClient,
    change,
    change_raw,
    clamped_offset,
    close,
    config,
    diagnostic_problems,
    expected,
    initialize,
    apply_lsp_edits,
    lsp_lines,
    make_client,
    open_text,
    position_of,
    reported,
    request_raw,
    send_raw,
    units,
)

# One module-scoped server for the editor cases; every test is bounded (a hang is a failure).
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(90)]

CASES: dict[str, tuple[str, str]] = {
    # id: (input, expected outcome) -- docs/robustness.md has the same table.
    "typed-char-by-char": (
        "a typical FastAPI module typed one character at a time, from an empty file",
        "every version gets its diagnostics, equal to a fresh analysis of that prefix; a syntax error is one FAP000 "
        "Error diagnostic per file (with `showSyntaxErrors` on); all but the broken lines keep their findings",
    ),
    "null-bytes": (
        "a NUL character in the text",
        "that statement gets one Error diagnostic (source code string cannot contain null bytes); the rest is analysed",
    ),
    "lone-surrogates": (
        "a lone surrogate (`\\ud800`, valid JSON) in the text, UTF-8 and UTF-16 clients",
        "the text round-trips exactly; its statement gets a syntax-error diagnostic; edits on its line land where the "
        "client put them (UTF-8 columns count it as 3 bytes)",
    ),
    "byte-order-mark": (
        "a text that starts with U+FEFF",
        "kept as sent (it is column 0 of line 0); the first statement is analysed; edits on line 0 land where the "
        "client put them",
    ),
    "five-megabytes": (
        "a 5 MB document (over the 2 MB `max-file-size`)",
        "not analysed: one Log message says why and empty diagnostics are published; edits still apply; once it "
        "shrinks under the limit it is analysed again",
    ),
    "deep-nesting": (
        "5,000-deep nesting: brackets, dicts, operators, unary minus, `not`, attribute chains, calls, subscripts, "
        "lambdas; 150-deep blocks",
        "the first such statement gets the file's one FAP000 Error diagnostic (too many nested parentheses, too many "
        "levels of indentation, statement nested too deeply to analyse); no RecursionError escapes; the rest is analysed",
    ),
    "long-lines": (
        "a 1,000,000-character line, and a finding after 10,000 emoji on one line",
        "analysed; the finding's range is exact in UTF-16 units",
    ),
    "python2": (
        "Python 2 code: print and exec statements, `except E, e`, backticks, `0777`, `10L`, `ur''`, `<>`, "
        "`raise E, msg`, tuple parameters",
        "the first gets the file's one FAP000 diagnostic; the Python 3 statements are analysed",
    ),
    "deleted-while-open": (
        "the file and its folder deleted on disk while open (and reported by didChangeWatchedFiles)",
        "the open text is still analysed; edits and close work; nothing is logged as an error",
    ),
    "change-unopened": (
        "`didChange` for a document that was never opened",
        "ignored with one Warning log message; no diagnostics for it; `fastapi-perf/documentText` answers null",
    ),
    "out-of-order-versions": (
        "a `didChange` whose version is lower than the document's, and again the same lower version",
        "applied in arrival order (the text follows the client) and analysed; diagnostics carry the version the client "
        "gave",
    ),
    "repeated-version": (
        "a `didChange` that repeats the document's current version",
        "applied and analysed: the diagnostics published with that version describe the new text, and the quick fix "
        "computed from them applies where the finding is",
    ),
    "position-past-end": (
        "a change whose character is past the end of its line",
        "clamped to the end of the line, as the LSP specifies",
    ),
    "invalid-range": (
        "changes with a negative line or character, a line past the last one, and a reversed range",
        "clamped as editors clamp them (a negative line is the start of the document, a negative character the start "
        "of its line, a line past the last the end of the document; a reversed range is put in order) and applied, "
        "each logged with one Warning message; the texts stay equal",
    ),
    "invalid-params": (
        "requests whose params do not fit their method (a missing field, a wrong type, a negative position), and such "
        "a notification",
        "each request is answered with InvalidParams (-32602) naming the field; the notification is dropped with one "
        "Warning log message; no traceback; the server keeps serving",
    ),
    "exit-without-shutdown": ("`exit` without `shutdown`", "the process ends with status 1"),
    "editor-process-dies": (
        "the editor process given as `processId` dies while the server's stdin stays open",
        "the server notices within a few seconds (it polls the process) and exits with status 1",
    ),
    "requests-after-shutdown": (
        "requests after `shutdown`",
        "answered with InvalidRequest (-32600); `exit` then ends the process with status 0",
    ),
    "configuration-never-answered": (
        "a client that announces `workspace/configuration` but never answers it",
        "diagnostics arrive with the initial settings; after 2 s one Log message says so; the server keeps serving",
    ),
    "cancel-slow-request": (
        "`$/cancelRequest` for a slow request (fix-all on a large file)",
        "answered exactly once, with its result or RequestCancelled (-32800); the server keeps serving",
    ),
    "malformed-json": (
        "a message that is not JSON, and one nested 5,000 deep",
        "that message is dropped with one Error message to the client and one line on stderr (no traceback); the "
        "messages around it are handled",
    ),
    "workspace-bad-files": (
        "workspace files that are not UTF-8, hold NUL bytes, are 5 MB, nest 5,000 deep, are Python 2, a FIFO and "
        "a symlink to /dev/zero named `*.py`",
        "the background index never reads the FIFO or the device (only regular files are indexed), skips or "
        "summarises the rest without errors and finishes; open documents are analysed",
    ),
    "cli-invalid-utf8": (
        "`fastapi-perf check` on a file that is not UTF-8",
        "a warning names the file and the byte offset; the other files are checked",
    ),
    "cli-null-bytes": ("`fastapi-perf check` on a file with NUL bytes", "skipped as binary with a warning"),
    "cli-five-megabytes": (
        "`fastapi-perf check` on a 5 MB file",
        "skipped with a warning naming the 2 MB limit; with `max-file-size` raised it is analysed",
    ),
    "cli-syntax-errors": (
        "`fastapi-perf check` on Python 2 code and 5,000-deep nesting",
        "the first syntax error is reported once, as FAP000 at its line; the rest of the file is checked",
    ),
    "cli-special-files": (
        "`fastapi-perf check .` with a FIFO and a symlink to /dev/zero named `*.py`",
        "skipped (discovery lists regular files only); the run finishes",
    ),
}

BIG = 5 * 1024 * 1024
DEPTH = 5000


def deep_statements() -> dict[str, str]:
    n = DEPTH
    return {
        "parens": "x = " + "(" * n + "1" + ")" * n,
        "lists": "x = " + "[" * n + "]" * n,
        "dicts": "x = " + "{1: " * n + "1" + "}" * n,
        "blocks": "".join(" " * i + "if x:\n" for i in range(150)) + " " * 150 + "pass",
        "binop": "x = " + "+".join(["1"] * n),
        "unary": "x = " + "-" * n + "1",
        "not": "x = " + "not " * n + "1",
        "attribute": "x = a" + ".b" * n,
        "calls": "x = f" + "()" * n,
        "subscripts": "x = a" + "[0]" * n,
        "lambdas": "x = " + "lambda: " * n + "1",
    }


def five_megabytes() -> str:
    """The demo module, then 200-character constants up to 5 MB (26,000 lines: long enough, quick to check)."""
    filler = "".join(f"VALUE_{i} = '{'x' * 180}'\n" for i in range(5000))
    text = APP + filler
    while len(text.encode()) < BIG:
        text += filler
    return text


# -- the shared server --------------------------------------------------------------------

@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bad-inputs")
    bad = root / "bad"
    bad.mkdir()
    (bad / "latin1.py").write_bytes(b"x = '\xff\xfe caf\xe9'\n")
    (bad / "nul.py").write_bytes(b"x = 1\x00\n")
    (bad / "big.py").write_text(five_megabytes())
    (bad / "deep.py").write_text("\n".join(deep_statements().values()) + "\n" + APP)
    (bad / "py2.py").write_text("print 'hello'\nexec 'x = 1'\n")
    (bad / "bom.py").write_text("\ufeff" + APP)
    os.mkfifo(bad / "pipe.py")
    (bad / "zero.py").symlink_to("/dev/zero")
    return root


@pytest_lsp.fixture(config=config(), scope="module")
async def client(lsp_client: RecordingClient, workspace: Path):
    await initialize(lsp_client, "visual_studio_code", workspace)
    yield lsp_client
    await lsp_client.close_session()


class Errors:
    """New errors since a mark (the server is shared by the cases of this module)."""

    def __init__(self, client: RecordingClient) -> None:
        self.client = client
        self.logs = len(client.log_messages)
        self.shown = len(client.messages)
        self.stderr = len(client.stderr_lines)

    def new(self) -> list[str]:
        c = self.client
        found = [m.message for m in c.log_messages[self.logs :] if m.type == types.MessageType.Error]
        found += [m.message for m in c.messages[self.shown :] if m.type == types.MessageType.Error]
        stderr = "".join(c.stderr_lines[self.stderr :])
        if "Traceback" in stderr or " ERROR " in stderr:
            found.append(stderr[-3000:])
        return found


@pytest.fixture
def errors(client: RecordingClient):
    mark = Errors(client)
    yield mark
    assert not mark.new(), mark.new()


async def settle(client: RecordingClient, uri: str) -> None:
    """A round trip: everything sent before has been handled."""
    await client.document_text(uri)


async def exact(client: RecordingClient, uri: str, name: str, text: str, version: int) -> list[types.Diagnostic]:
    """The text is the client's and the diagnostics of ``version`` are a fresh analysis's, with sane ranges."""
    held = await client.document_text(uri)
    assert held == {"text": text, "version": version}
    found = await client.diagnostics_of(uri, version)
    assert not diagnostic_problems(text, uri, found, client.encoding)
    assert reported(found) == expected(client, text, name)
    return found


async def exact_again(client: RecordingClient, uri: str, name: str, text: str, version: int) -> list[types.Diagnostic]:
    """``exact`` for a version the client sent before: a publication of the earlier text may carry it too.

    The server may publish a state more than once (when the index finishes, say), so the
    diagnostics awaited are the first of that version that describe the new text; a server
    that kept serving the earlier analysis fails here after a while.
    """
    held = await client.document_text(uri)
    assert held == {"text": text, "version": version}
    want = expected(client, text, name)
    if client.pulls:
        found = await client.diagnostics_of(uri, version)
    else:
        accept = lambda p: p.uri == uri and p.version == version and reported(p.diagnostics) == want  # noqa: E731
        found = list((await client.next_publication(accept)).diagnostics)
    assert not diagnostic_problems(text, uri, found, client.encoding)
    assert reported(found) == want
    return found


def syntax_errors(found: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in found if d.code == "FAP000"]


# -- editor cases -----------------------------------------------------------------------

async def test_typed_char_by_char(client: RecordingClient, errors) -> None:
    name = "typed.py"
    uri = open_text(client, "", name)
    await exact(client, uri, name, "", 1)
    text = ""
    broken = 0
    for version, ch in enumerate(APP, start=2):
        change(client, uri, version, [(position_of(text, len(text), "utf-16"),) * 2 + (ch,)])
        text += ch
        found = await exact(client, uri, name, text, version)
        broken += bool(syntax_errors(found))
        assert all(d.severity == types.DiagnosticSeverity.Error and d.message.startswith("SyntaxError") for d in syntax_errors(found))
    assert broken > len(APP) // 4, "typing should pass through many broken states"
    close(client, uri)


async def test_null_bytes(client: RecordingClient, errors) -> None:
    text = "x = 'a\x00b'\n" + APP
    uri = open_text(client, text, "nul_open.py")
    found = await exact(client, uri, "nul_open.py", text, 1)
    (problem,) = syntax_errors(found)
    assert "null bytes" in problem.message and problem.range.start.line == 0
    assert {"FAP103", "FAP201"} <= {d.code for d in found}
    change(client, uri, 2, [(types.Position(0, 6), types.Position(0, 7), "")])
    found = await exact(client, uri, "nul_open.py", text.replace("\x00", ""), 2)
    assert not syntax_errors(found)
    close(client, uri)


async def test_byte_order_mark(client: RecordingClient, errors) -> None:
    text = "\ufeff" + APP
    uri = open_text(client, text, "bom_open.py")
    found = await exact(client, uri, "bom_open.py", text, 1)
    assert not syntax_errors(found) and {"FAP103", "FAP201"} <= {d.code for d in found}
    change(client, uri, 2, [(types.Position(0, 1), types.Position(0, 1), "import os\n")])
    await exact(client, uri, "bom_open.py", "\ufeffimport os\n" + APP, 2)
    close(client, uri)


async def test_five_megabytes(client: RecordingClient, errors) -> None:
    text = five_megabytes()
    uri = open_text(client, text, "big_open.py", write=False)
    assert await client.diagnostics_of(uri, 1) == []
    assert any("big_open.py" in m.message and "max-file-size" in m.message for m in client.log_messages)
    change(client, uri, 2, [(types.Position(0, 0), types.Position(0, 0), "# edited\n")])
    text = "# edited\n" + text
    assert await client.diagnostics_of(uri, 2) == []
    assert (await client.document_text(uri))["text"] == text
    keep = len(("# edited\n" + APP).splitlines())
    change(client, uri, 3, [(types.Position(keep, 0), position_of(text, len(text), "utf-16"), "")])
    text = "# edited\n" + APP
    found = await exact(client, uri, "big_open.py", text, 3)
    assert {"FAP103", "FAP201"} <= {d.code for d in found}
    close(client, uri)


async def test_deep_nesting(client: RecordingClient, errors) -> None:
    statements = deep_statements()
    text = "\n".join(statements.values()) + "\n" + APP
    uri = open_text(client, text, "deep_open.py", write=False)
    started = time.perf_counter()
    found = await client.diagnostics_of(uri, 1)
    elapsed = time.perf_counter() - started
    assert not diagnostic_problems(text, uri, found, "utf-16")
    problems = syntax_errors(found)
    assert len(problems) == 1, [p.message for p in problems]  # once per file
    allowed = ("too many nested parentheses", "too many levels of indentation", "nested too deeply to analyse")
    assert all(any(a in p.message for a in allowed) for p in problems), [p.message for p in problems]
    assert {"FAP103", "FAP201"} <= {d.code for d in found}
    assert elapsed < 20, f"{elapsed:.1f} s"
    close(client, uri)


async def test_long_lines(client: RecordingClient, errors) -> None:
    long_line = "x = [" + "1, " * 333_333 + "]"
    emoji = "😀" * 10_000
    route = APP.replace("    time.sleep(1)  # noqa: FAP201", f'    s = "{emoji}"; time.sleep(1)  # noqa: FAP201')
    text = long_line + "\n" + route
    uri = open_text(client, text, "long_open.py", write=False)
    found = await client.diagnostics_of(uri, 1)
    assert not diagnostic_problems(text, uri, found, "utf-16")
    lines = text.split("\n")
    number = next(i for i, line in enumerate(lines) if emoji in line)
    sleep = [d for d in found if d.code == "FAP103" and d.range.start.line == number]
    assert len(sleep) == 1
    line = lines[number]
    assert sleep[0].range.start.character == units(line[: line.index("time.sleep")], "utf-16")
    assert sleep[0].range.start.character > 20_000
    assert reported(found) == expected(client, text, "long_open.py")
    close(client, uri)


PYTHON2 = [
    "print 'hello'",
    "exec 'x = 1'",
    "try:\n    pass\nexcept Exception, e:\n    pass",
    "x = `1`",
    "y = 0777",
    "z = ur'raw'",
    "if 1 <> 2:\n    pass",
    "raise ValueError, 'message'",
    "def f((a, b)):\n    pass",
    "x = 10L",
]


async def test_python2(client: RecordingClient, errors) -> None:
    text = "\n".join(PYTHON2) + "\n" + APP
    uri = open_text(client, text, "py2_open.py")
    found = await exact(client, uri, "py2_open.py", text, 1)
    assert len(syntax_errors(found)) == 1  # once per file
    assert {"FAP103", "FAP201"} <= {d.code for d in found}
    close(client, uri)


async def test_deleted_while_open(client: RecordingClient, errors) -> None:
    name = "gone/app.py"
    uri = open_text(client, APP, name)
    await exact(client, uri, name, APP, 1)
    shutil.rmtree(client.root / "gone")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=uri, type=types.FileChangeType.Deleted)])
    )
    change(client, uri, 2, [(types.Position(0, 0), types.Position(0, 0), "import os\n")])
    await exact(client, uri, name, "import os\n" + APP, 2)
    close(client, uri)
    params = await client.next_publication(lambda p: p.uri == uri)
    assert not params.diagnostics and params.version is None, "closing clears the diagnostics"


async def test_change_unopened(client: RecordingClient, errors) -> None:
    uri = (client.root / "never_opened.py").as_uri()
    change(client, uri, 2, [(types.Position(0, 0), types.Position(0, 0), "x")])
    assert await client.document_text(uri) is None
    assert any(m.type == types.MessageType.Warning and "not open" in m.message and uri in m.message for m in client.log_messages)
    assert all(p.uri != uri for p in client.published)


async def test_out_of_order_versions(client: RecordingClient, errors) -> None:
    uri = open_text(client, APP, "versions.py", version=5)
    await exact(client, uri, "versions.py", APP, 5)
    change(client, uri, 3, [(types.Position(0, 0), types.Position(0, 0), "import os\n")])
    await exact(client, uri, "versions.py", "import os\n" + APP, 3)
    change(client, uri, 3, [(types.Position(0, 0), types.Position(0, 0), "import sys\n")])
    await exact_again(client, uri, "versions.py", "import sys\nimport os\n" + APP, 3)
    close(client, uri)


async def test_repeated_version(client: RecordingClient, errors) -> None:
    name = "repeated.py"
    uri = open_text(client, APP, name)
    await exact(client, uri, name, APP, 1)
    text = "import os\n\n" + APP  # every finding moves two lines down
    change(client, uri, 1, [(types.Position(0, 0), types.Position(0, 0), "import os\n\n")])
    found = await exact_again(client, uri, name, text, 1)
    sleep = next(d for d in found if d.code == "FAP103" and isinstance(d.data, dict) and "fix" in d.data)
    actions = await client.request(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=sleep.range,
            context=types.CodeActionContext(diagnostics=[sleep], only=[types.CodeActionKind.QuickFix]),
        ),
    )
    fix = next(a for a in actions if a.title.startswith("Replace with"))
    if fix.edit is None:
        fix = await client.request(types.CODE_ACTION_RESOLVE, fix)
    edits = fix.edit.document_changes[0].edits if fix.edit.document_changes else fix.edit.changes[uri]
    fixed = apply_lsp_edits(text, edits, client.encoding)
    assert "time.sleep(1)" in lsp_lines(text)[sleep.range.start.line], "the diagnostic is of the new text"
    ast.parse(fixed)
    assert "    await asyncio.sleep(1)  # noqa: FAP201\n" in fixed
    assert fixed.count("time.sleep(") == text.count("time.sleep(") - 1, fixed
    close(client, uri)


async def test_position_past_end(client: RecordingClient, errors) -> None:
    uri = open_text(client, APP, "past_end.py")
    await exact(client, uri, "past_end.py", APP, 1)
    first = APP.split("\n")[0]
    change(client, uri, 2, [(types.Position(0, 10_000), types.Position(0, 10_000), "  # tail")])
    text = first + "  # tail" + APP[len(first) :]
    await exact(client, uri, "past_end.py", text, 2)
    close(client, uri)


async def test_invalid_range(client: RecordingClient, errors) -> None:
    name = "invalid_range.py"
    uri = open_text(client, APP, name)
    await exact(client, uri, name, APP, 1)
    text = APP
    version = 1
    warnings = len([m for m in client.log_messages if m.type == types.MessageType.Warning])
    cases = [
        ((-1, 4), (0, 0), "# before\n"),  # a negative line: the start of the document
        ((2, -3), (2, 0), "# line three\n"),  # a negative character: the start of its line
        ((10_000, 0), (10_000, 5), "\n# after\n"),  # past the last line: the end of the document
        ((4, 3), (4, 0), ""),  # reversed: the first three characters of line 5 go
    ]
    for start, end, new in cases:
        a = clamped_offset(text, *start, client.encoding)
        b = clamped_offset(text, *end, client.encoding)
        a, b = min(a, b), max(a, b)
        text = text[:a] + new + text[b:]
        version += 1
        change_raw(client, uri, version, [(start, end, new)])
        await exact(client, uri, name, text, version)
    logged = [m.message for m in client.log_messages if m.type == types.MessageType.Warning][warnings:]
    assert len(logged) == len(cases) and all(uri in m for m in logged), logged
    close(client, uri)


async def test_invalid_params(client: RecordingClient, errors) -> None:
    uri = open_text(client, APP, "invalid_params.py")
    await client.diagnostics_of(uri, 1)
    document = {"uri": uri}
    bad = {
        "missing": (types.TEXT_DOCUMENT_HOVER, {"textDocument": document}, "position"),
        "wrong-type": (types.TEXT_DOCUMENT_HOVER, {"textDocument": document, "position": {"line": "x", "character": 0}}, "line"),
        "negative": (types.TEXT_DOCUMENT_HOVER, {"textDocument": document, "position": {"line": -1, "character": 0}}, "line"),
        "not-an-object": (types.TEXT_DOCUMENT_CODE_ACTION, [1, 2], "params"),
    }
    for name, (method, params, field) in bad.items():
        with pytest.raises(JsonRpcException) as raised:
            await request_raw(client, method, params, timeout=10)
        assert raised.value.code == -32602, name
        assert field in str(raised.value), (name, str(raised.value))
    warnings = len(client.log_messages)
    send_raw(client, {"method": types.TEXT_DOCUMENT_DID_CLOSE, "params": {"textDocument": {}}})
    await settle(client, uri)
    assert any("textDocument/didClose" in m.message and m.type == types.MessageType.Warning for m in client.log_messages[warnings:])
    assert (await client.document_text(uri))["version"] == 1, "the server keeps serving"
    close(client, uri)


async def test_cancel_slow_request(client: RecordingClient, errors) -> None:
    routes = "".join(f"\n\n@app.get('/r{i}')\nasync def r{i}():\n    time.sleep({i})\n    await asyncio.sleep(0)\n" for i in range(150))
    text = "import asyncio\n" + APP + routes
    uri = open_text(client, text, "slow.py", write=False)
    await client.diagnostics_of(uri, 1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.fastapi-perf"]),
        )
    )
    (fix_all,) = actions
    outcomes = []
    for attempt in range(3):
        request_id = f"slow-{attempt}"
        future = client.protocol.send_request(types.CODE_ACTION_RESOLVE, fix_all, msg_id=request_id)
        await asyncio.sleep(0.001 * attempt)
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=request_id))
        try:
            result = await asyncio.wait_for(asyncio.wrap_future(future), 60)
            assert result.edit is not None
            outcomes.append("result")
        except JsonRpcException as error:
            assert error.code == -32800, error
            outcomes.append("cancelled")
    assert (await client.document_text(uri))["version"] == 1, "the server keeps serving"
    close(client, uri)


async def test_malformed_json(client: RecordingClient) -> None:
    mark = Errors(client)
    uri = open_text(client, APP, "around_bad_json.py")
    await client.diagnostics_of(uri, 1)
    writer = client.protocol.writer
    for body in (b"{not json at all", b'{"jsonrpc": "2.0", "method": "x", "params": ' + b"[" * DEPTH + b"]" * DEPTH + b"}"):
        writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    change(client, uri, 2, [(types.Position(0, 0), types.Position(0, 0), "import os\n")])
    await exact(client, uri, "around_bad_json.py", "import os\n" + APP, 2)
    for _ in range(50):
        if len([m for m in client.messages[mark.shown :] if m.type == types.MessageType.Error]) >= 2:
            break
        await asyncio.sleep(0.1)
    shown = [m.message for m in client.messages[mark.shown :] if m.type == types.MessageType.Error]
    assert len(shown) == 2, shown
    assert "Expecting" in shown[0] and "recursion" in shown[1]
    assert "Traceback" not in "".join(client.stderr_lines[mark.stderr :]), "a client's mistake is logged in one line"
    close(client, uri)


async def test_workspace_bad_files(client: RecordingClient, errors) -> None:
    uri = open_text(client, APP, "uses_index.py")
    await client.diagnostics_of(uri, 1)
    # The index ends with a re-check of the open documents; wait for it, then for the idle state.
    for _ in range(300):
        if any(isinstance(p, types.WorkDoneProgressEnd) for reports in client.progress_reports.values() for p in reports):
            break
        await asyncio.sleep(0.1)
    else:
        pytest.fail("indexing never finished")
    change(client, uri, 2, [(types.Position(0, 0), types.Position(0, 0), "import os\n")])
    await exact(client, uri, "uses_index.py", "import os\n" + APP, 2)
    close(client, uri)


# -- editor cases with a client of their own ---------------------------------------------------

@pytest_lsp.fixture(config=config())
async def utf8(lsp_client: RecordingClient, tmp_path: Path):
    await initialize(lsp_client, "neovim@v0.11.0", tmp_path)
    yield lsp_client
    await lsp_client.close_session()


@pytest.mark.asyncio(loop_scope="function")
async def test_lone_surrogates(utf8: RecordingClient) -> None:
    for encoding, client in (("utf-8", utf8),):
        text = "x = '\ud800' + 'abc'\n" + APP
        uri = open_text(client, text, "surrogate.py")
        found = await exact(client, uri, "surrogate.py", text, 1)
        assert syntax_errors(found) and {"FAP103", "FAP201"} <= {d.code for d in found}
        at = position_of(text, text.index("'abc'"), encoding)
        assert at.character == 12  # x = '  (5) + surrogate (3) + ' +  (4)
        change(client, uri, 2, [(at, at, "Z")])
        text = text.replace("'abc'", "Z'abc'")
        await exact(client, uri, "surrogate.py", text, 2)
        assert not client.errors(), client.errors()


@pytest_lsp.fixture(config=config())
async def vscode(lsp_client: RecordingClient, tmp_path: Path):
    await initialize(lsp_client, "visual_studio_code", tmp_path)
    yield lsp_client


@pytest.mark.asyncio(loop_scope="function")
async def test_lone_surrogates_utf16(vscode: RecordingClient) -> None:
    text = "x = '\ud800' + 'abc'\n" + APP
    uri = open_text(vscode, text, "surrogate.py")
    await exact(vscode, uri, "surrogate.py", text, 1)
    at = position_of(text, text.index("'abc'"), "utf-16")
    change(vscode, uri, 2, [(at, at, "Z")])
    await exact(vscode, uri, "surrogate.py", text.replace("'abc'", "Z'abc'"), 2)
    await vscode.shutdown_session()
    assert not vscode.errors(), vscode.errors()


@pytest.mark.asyncio(loop_scope="function")
async def test_requests_after_shutdown(vscode: RecordingClient) -> None:
    uri = open_text(vscode, APP)
    await vscode.diagnostics_of(uri, 1)
    await vscode.shutdown_async(None)
    with pytest.raises(JsonRpcException) as raised:
        await asyncio.wait_for(
            vscode.text_document_hover_async(
                types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 0))
            ),
            10,
        )
    assert raised.value.code == -32600
    vscode.exit(None)
    assert await asyncio.wait_for(vscode._server.wait(), 10) == 0
    assert not vscode.errors(), vscode.errors()


@pytest.mark.asyncio(loop_scope="function")
async def test_exit_without_shutdown(vscode: RecordingClient) -> None:
    uri = open_text(vscode, APP)
    await vscode.diagnostics_of(uri, 1)
    vscode.exit(None)
    assert await asyncio.wait_for(vscode._server.wait(), 10) == 1
    assert not vscode.errors(), vscode.errors()


@pytest.mark.asyncio(loop_scope="function")
async def test_editor_process_dies(tmp_path: Path) -> None:
    editor = await asyncio.create_subprocess_exec(sys.executable, "-c", "import time; time.sleep(600)")
    client = make_client()
    await client.start_io(*config().server_command, env=ENV)
    try:
        client.client_name, client.root = "visual_studio_code", tmp_path
        await client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities("visual_studio_code"),
                process_id=editor.pid,
                root_uri=tmp_path.as_uri(),
                initialization_options={"debounce": 0, "inference": False},
            )
        )
        uri = open_text(client, APP)
        await client.diagnostics_of(uri, 1)
        editor.kill()
        await editor.wait()
        # The server's stdin stays open (this test holds it): only the processId can tell it.
        assert await asyncio.wait_for(client._server.wait(), 15) == 1
    finally:
        if editor.returncode is None:
            editor.kill()
        client.kill_server()
        await client.stop()
    assert "is gone" in "".join(client.stderr_lines)


@pytest_lsp.fixture(config=config())
async def silent(lsp_client: RecordingClient, tmp_path: Path):
    """A client that says it answers workspace/configuration, then never does."""
    never = asyncio.get_running_loop().create_future()

    async def configuration(params: types.ConfigurationParams):
        await never

    lsp_client.protocol.fm.features[types.WORKSPACE_CONFIGURATION] = configuration  # pytest-lsp's own answers
    await initialize(lsp_client, "visual_studio_code", tmp_path)
    yield lsp_client
    never.cancel()
    await lsp_client.close_session()


@pytest.mark.asyncio(loop_scope="function")
async def test_configuration_never_answered(silent: RecordingClient) -> None:
    started = time.perf_counter()
    uri = open_text(silent, APP)
    found = await silent.diagnostics_of(uri, 1)
    assert {"FAP103", "FAP201"} <= {d.code for d in found}
    assert time.perf_counter() - started < 1.5, "diagnostics must not wait for the configuration"
    for _ in range(100):
        if any("workspace/configuration did not answer" in m.message for m in silent.log_messages):
            break
        await asyncio.sleep(0.1)
    else:
        pytest.fail("no log message about the unanswered configuration")
    change(silent, uri, 2, [(types.Position(0, 0), types.Position(0, 0), "import os\n")])
    await exact(silent, uri, "app.py", "import os\n" + APP, 2)
    assert not silent.errors(), silent.errors()


# -- the command line -------------------------------------------------------------------------

def check(folder: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fastapi_perf", "check", "--no-cache", *args],
        cwd=folder, env=ENV, capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\ndependencies = ['fastapi']\n")
    (tmp_path / "good.py").write_text(APP)
    return tmp_path


@pytest.mark.asyncio(loop_scope="function")
async def test_cli_invalid_utf8(project: Path) -> None:
    (project / "latin1.py").write_bytes(b"x = 'caf\xe9'\n")
    result = check(project, ".")
    assert "latin1.py: skipped: not valid UTF-8 (byte 8)" in result.stderr
    assert "good.py" in result.stdout and result.returncode == 1
    assert "Traceback" not in result.stderr


@pytest.mark.asyncio(loop_scope="function")
async def test_cli_null_bytes(project: Path) -> None:
    (project / "nul.py").write_bytes(b"x = 1\x00\n")
    result = check(project, ".")
    assert "nul.py: skipped: binary file (contains null bytes)" in result.stderr
    assert "good.py" in result.stdout and "Traceback" not in result.stderr


@pytest.mark.asyncio(loop_scope="function")
async def test_cli_five_megabytes(project: Path) -> None:
    (project / "big.py").write_text(five_megabytes())
    result = check(project, "big.py")
    assert "big.py: skipped:" in result.stderr and "2,097,152-byte limit (`max-file-size`)" in result.stderr
    assert result.returncode == 0
    (project / "pyproject.toml").write_text(
        "[project]\nname = 'app'\ndependencies = ['fastapi']\n[tool.fastapi-perf]\nmax-file-size = 10000000\n"
    )
    result = check(project, "big.py", "--output-format", "json", timeout=120)
    assert result.returncode == 1, result.stderr
    assert {f["code"] for f in json.loads(result.stdout)} >= {"FAP103", "FAP201"}


@pytest.mark.asyncio(loop_scope="function")
async def test_cli_syntax_errors(project: Path) -> None:
    statements = deep_statements()
    (project / "broken.py").write_text("\n".join(PYTHON2 + list(statements.values())) + "\n" + APP)
    result = check(project, "broken.py", "--output-format", "json")
    assert "Traceback" not in result.stderr
    found = json.loads(result.stdout)
    assert len([f for f in found if f["code"] == "FAP000"]) == 1
    assert {f["code"] for f in found} >= {"FAP103", "FAP201"}


@pytest.mark.asyncio(loop_scope="function")
async def test_cli_special_files(project: Path) -> None:
    os.mkfifo(project / "pipe.py")
    (project / "zero.py").symlink_to("/dev/zero")
    try:
        result = check(project, ".", timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail("fastapi-perf check hangs on a FIFO or /dev/zero named *.py")
    assert "good.py" in result.stdout

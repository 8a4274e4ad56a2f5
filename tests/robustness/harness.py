"""A pytest-lsp client that also keeps what a robustness test must inspect.

Beyond what ``tests/lsp`` uses, the client here records every
``publishDiagnostics`` (in order), every ``window/logMessage`` and
``window/showMessage``, and every line the server writes to stderr, so a
test can assert that nothing was logged as an error and no traceback was
printed. It also reads the server's copy of a document through the
``fastapi-perf/documentText`` debugging request (``lsp/handlers/debug.py``).

Positions: the client keeps its documents as Python strings and converts
offsets to LSP positions in the negotiated encoding itself, splitting lines
the way the LSP does (``\\r\\n``, ``\\r``, ``\\n`` only).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import re
import signal
import sys
import uuid
from pathlib import Path
from typing import Any

from fastapi_perf.analysis.engine.dispatch import Engine
from fastapi_perf.analysis.engine.file_analysis import analyse_text
from fastapi_perf.analysis.names.modules import module_name_for
from fastapi_perf.config import load_settings
from fastapi_perf.rules import ALL_RULES
from lsprotocol import types
from pygls.lsp.client import LanguageClient as PyglsClient
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import register_lsp_features

ROOT = Path(__file__).resolve().parents[2]
# FASTAPI_PERF_SERVER_PATH points the server (not the test process) at another copy of the package.
ENV = {**os.environ, "PYTHONPATH": os.environ.get("FASTAPI_PERF_SERVER_PATH", str(ROOT / "server"))}
SERVER = [sys.executable, "-m", "fastapi_perf", "lsp"]
DOCUMENT_TEXT = "fastapi-perf/documentText"
ENCODING = {"visual_studio_code": "utf-16", "neovim@v0.7.0": "utf-16", "emacs": "utf-32", "neovim@v0.11.0": "utf-8"}
_BREAK = re.compile(r"\r\n|\r|\n")
WAIT_S = 30.0
"""The longest any single answer may take; a server that is stuck fails the test with its stacks."""


class RecordingClient(LanguageClient):
    """pytest-lsp's client, keeping stderr, log messages and every publication."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stderr_lines: list[str] = []
        self.published: list[types.PublishDiagnosticsParams] = []
        self.published_read = 0
        self.published_event = asyncio.Event()
        self.client_name = "visual_studio_code"
        self.root: Path = Path(".")

    async def start_io(self, cmd: str, *args: Any, **kwargs: Any) -> None:
        await PyglsClient.start_io(self, cmd, *args, **kwargs)  # pytest-lsp's would only forward stderr
        self._stderr_forwarder = asyncio.create_task(self._record_stderr())

    async def _record_stderr(self) -> None:
        stream = self._server.stderr if self._server else None
        if stream is None:
            return
        while line := await stream.readline():
            text = line.decode("utf-8", "replace")
            self.stderr_lines.append(text)
            sys.stderr.write(text)

    # -- what a robustness test asserts on -----------------------------------------
    @property
    def encoding(self) -> str:
        return ENCODING[self.client_name]

    @property
    def pulls(self) -> bool:
        return self.client_name.startswith("neovim@v0.11")

    def errors(self) -> list[str]:
        """Everything the server reported as an error: Error log/show messages, tracebacks on stderr."""
        found = [f"logMessage: {m.message}" for m in self.log_messages if m.type == types.MessageType.Error]
        found += [f"showMessage: {m.message}" for m in self.messages if m.type == types.MessageType.Error]
        stderr = "".join(self.stderr_lines)
        if "Traceback" in stderr or " ERROR " in stderr or "ERROR:" in stderr:
            found.append("stderr:\n" + stderr[-4000:])
        return found

    async def stuck(self, what: str) -> AssertionError:
        """An error for a wait that timed out, with the server's stacks (``lsp/handlers/debug.py``) in it."""
        server = self._server
        if server is None or server.returncode is not None:
            return AssertionError(f"{what}: the server is not running (exit status {server and server.returncode})")
        mark = len(self.stderr_lines)
        server.send_signal(signal.SIGUSR1)
        await asyncio.sleep(1.0)
        return AssertionError(f"{what}; the server's stacks:\n" + "".join(self.stderr_lines[mark:])[-6000:])

    async def request(self, method: str, params: Any, timeout: float = WAIT_S) -> Any:
        """A request that fails the test, with the server's stacks, instead of waiting forever."""
        try:
            return await asyncio.wait_for(self.protocol.send_request_async(method, params), timeout)
        except asyncio.TimeoutError:
            raise await self.stuck(f"no answer to {method} within {timeout:.0f} s") from None

    async def document_text(self, uri: str) -> dict | None:
        result = await self.request(DOCUMENT_TEXT, {"textDocument": {"uri": uri}})
        if result is None:
            return None
        if isinstance(result, dict):
            return result
        return {"text": result.text, "version": result.version}

    async def close_session(self, timeout: float = 15.0) -> None:
        """``shutdown`` and ``exit``, bounded: a server that does not stop is killed and the test fails."""
        if self._server is None or self._server.returncode is not None:
            return
        try:
            await asyncio.wait_for(self.shutdown_session(), timeout)
        except asyncio.TimeoutError:
            error = await self.stuck("the server did not shut down")
            self.kill_server()
            raise error from None

    def kill_server(self) -> None:
        if self._server is not None and self._server.returncode is None:
            self._server.kill()

    async def stop(self) -> None:
        """pytest-lsp's last step waits for the server to exit, forever; after 10 s it is killed instead."""
        if self._server is not None and self._server.returncode is None:
            try:
                await asyncio.wait_for(asyncio.shield(self._server.wait()), 10)
            except asyncio.TimeoutError:
                self.kill_server()
        await super().stop()

    async def next_publication(self, accept, timeout: float = WAIT_S) -> types.PublishDiagnosticsParams:
        """The first publication not read yet that ``accept`` takes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            while self.published_read < len(self.published):
                params = self.published[self.published_read]
                self.published_read += 1
                if accept(params):
                    return params
            self.published_event.clear()
            remaining = deadline - loop.time()
            try:
                if remaining <= 0:
                    raise asyncio.TimeoutError
                await asyncio.wait_for(self.published_event.wait(), remaining)
            except asyncio.TimeoutError:
                raise await self.stuck(f"the expected diagnostics never arrived within {timeout:.0f} s") from None

    async def diagnostics_of(self, uri: str, version: int, timeout: float = WAIT_S) -> list[types.Diagnostic]:
        """The diagnostics of exactly ``version``: pulled, or the pushed ones (failing on a newer version)."""
        if self.pulls:
            try:
                report = await asyncio.wait_for(
                    self.text_document_diagnostic_async(
                        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
                    ),
                    timeout,
                )
            except asyncio.TimeoutError:
                raise await self.stuck(f"no answer to textDocument/diagnostic within {timeout:.0f} s") from None
            return list(report.items)

        def accept(params: types.PublishDiagnosticsParams) -> bool:
            if params.uri != uri:
                return False
            assert params.version is None or params.version <= version, (
                f"diagnostics for version {params.version} after version {version} was sent"
            )
            return params.version == version

        return list((await self.next_publication(accept, timeout)).diagnostics)


def make_client() -> RecordingClient:
    client = RecordingClient(converter_factory=default_converter)
    register_lsp_features(client)

    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)
        client.published_event.set()

    client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish
    client.registrations = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)

    return client


def config(*extra: str, command: list[str] | None = None, env: dict | None = None) -> ClientServerConfig:
    return ClientServerConfig(server_command=[*(command or SERVER), *extra], server_env=env or ENV, client_factory=make_client)


async def initialize(
    client: RecordingClient, name: str, root: Path, options: dict | None = None, fastapi: bool = True
) -> None:
    client.client_name = name
    client.root = root
    # Syntax errors (FAP000, off in the editor by default) are reported: these tests check them.
    options = {"debounce": 0, "inference": False, "showSyntaxErrors": True} if options is None else options
    client.syntax_errors = bool(options.get("showSyntaxErrors"))
    if fastapi:
        (root / "pyproject.toml").write_text("[project]\nname = 'app'\ndependencies = ['fastapi']\n")
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(name),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="app")],
            initialization_options=options,
        )
    )


# -- what a fresh analysis finds ----------------------------------------------------------

_ENGINES: dict = {}


def _engine(codes):
    if codes not in _ENGINES:
        _ENGINES[codes] = Engine([rule() for rule in ALL_RULES if rule.code in codes])
    return _ENGINES[codes]


def expected(client: RecordingClient, text: str, name: str) -> list[tuple]:
    """What a fresh, whole-file analysis reports, in the client's units (as ``reported`` lists them)."""
    path = client.root / name
    project = load_settings(client.root)
    codes = project.enabled_codes if getattr(client, "syntax_errors", False) else project.enabled_codes - {"FAP000"}
    engine = _engine(codes)
    module, package = module_name_for(path, project.root)
    findings = analyse_text(text, engine, project.options, module, package, str(path)).findings
    lines = lsp_lines(text)
    bom = text.startswith("\ufeff")  # the whole-file analysis drops it; the editor counts it

    def convert(position) -> tuple[int, int]:
        line = lines[position.line] if position.line < len(lines) else ""
        column = position.column + (1 if bom and position.line == 0 else 0)
        return position.line, units(line[:column], client.encoding)

    return sorted((f.code, convert(f.range.start), convert(f.range.end), f.message) for f in findings)


def reported(diagnostics: list[types.Diagnostic]) -> list[tuple]:
    return sorted(
        (d.code or "", (d.range.start.line, d.range.start.character), (d.range.end.line, d.range.end.character), d.message)
        for d in diagnostics
    )


# -- documents and positions ------------------------------------------------------------

def lsp_lines(text: str) -> list[str]:
    """Lines as the LSP counts them; a text ending in a break has an empty last line."""
    return _BREAK.split(text)


def units(text: str, encoding: str) -> int:
    if encoding == "utf-16":
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text)


def position_of(text: str, offset: int, encoding: str) -> types.Position:
    """The LSP position of a code-point offset (not between ``\\r`` and ``\\n``)."""
    before = text[:offset]
    breaks = list(_BREAK.finditer(before))
    start = breaks[-1].end() if breaks else 0
    return types.Position(len(breaks), units(before[start:], encoding))


def boundaries(line: str, encoding: str) -> set[int]:
    """The unit columns that fall between two characters of ``line``."""
    found = {0}
    total = 0
    for ch in line:
        total += units(ch, encoding)
        found.add(total)
    return found


def range_problems(text: str, rng: types.Range, encoding: str, what: str) -> list[str]:
    """Why ``rng`` does not lie inside ``text`` on character boundaries (empty if it does)."""
    lines = lsp_lines(text)
    problems = []
    for name, pos in (("start", rng.start), ("end", rng.end)):
        if not 0 <= pos.line < len(lines):
            problems.append(f"{what}: {name} line {pos.line} outside 0..{len(lines) - 1}")
        elif pos.character not in boundaries(lines[pos.line], encoding):
            problems.append(f"{what}: {name} {pos.line}:{pos.character} is not a character boundary of {lines[pos.line]!r}")
    if (rng.start.line, rng.start.character) > (rng.end.line, rng.end.character):
        problems.append(f"{what}: start after end {rng}")
    return problems


def diagnostic_problems(text: str, uri: str, diagnostics: list[types.Diagnostic], encoding: str) -> list[str]:
    """Range problems of diagnostics, their related locations in the same file and their fix edits."""
    problems: list[str] = []
    for d in diagnostics:
        label = f"{d.code or 'syntax'} {d.message[:60]!r}"
        problems += range_problems(text, d.range, encoding, label)
        for related in d.related_information or []:
            if related.location.uri == uri:
                problems += range_problems(text, related.location.range, encoding, label + " related")
        data = d.data if isinstance(d.data, dict) else {}
        edits = list((data.get("fix") or {}).get("edits", []))
        if data.get("noqa"):
            edits.append(data["noqa"])
        for edit in edits:
            r = edit["range"]
            rng = types.Range(
                types.Position(r["start"]["line"], r["start"]["character"]),
                types.Position(r["end"]["line"], r["end"]["character"]),
            )
            problems += range_problems(text, rng, encoding, label + " edit")
    return problems


def open_text(client: RecordingClient, text: str, name: str = "app.py", version: int = 1, write: bool = True) -> str:
    path = client.root / name
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", errors="surrogatepass", newline="")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text))
    )
    return uri


def change(client: RecordingClient, uri: str, version: int, changes: list[tuple[types.Position, types.Position, str]]) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(range=types.Range(start, end), text=new) for start, end, new in changes
            ],
        )
    )


def send_raw(client: RecordingClient, message: dict) -> None:
    """Send a JSON-RPC message as given, bypassing the client's types (which refuse what a test needs to send)."""
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    client.protocol.writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


async def request_raw(client: RecordingClient, method: str, params: Any, timeout: float = WAIT_S) -> Any:
    """A request with params as given; its answer (or the error it is answered with, raised)."""
    msg_id = f"raw-{uuid.uuid4()}"
    future: concurrent.futures.Future = concurrent.futures.Future()
    client.protocol._request_futures[msg_id] = future
    send_raw(client, {"id": msg_id, "method": method, "params": params})
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout)
    except asyncio.TimeoutError:
        raise await client.stuck(f"no answer to {method} within {timeout:.0f} s") from None


def apply_lsp_edits(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    """Apply text edits the way an editor does (positions in ``encoding`` units, clamped to the text)."""
    spans = []
    for edit in edits:
        a = clamped_offset(text, edit.range.start.line, edit.range.start.character, encoding)
        b = clamped_offset(text, edit.range.end.line, edit.range.end.character, encoding)
        spans.append((min(a, b), max(a, b), edit.new_text))
    for a, b, new in sorted(spans, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def change_raw(client: RecordingClient, uri: str, version: int, changes: list[tuple[tuple[int, int], tuple[int, int], str]]) -> None:
    """A ``didChange`` whose positions may be anything (negative, past the end), as ``(line, character)``."""
    content = [
        {"range": {"start": {"line": a[0], "character": a[1]}, "end": {"line": b[0], "character": b[1]}}, "text": new}
        for a, b, new in changes
    ]
    send_raw(client, {"method": types.TEXT_DOCUMENT_DID_CHANGE, "params": {
        "textDocument": {"uri": uri, "version": version}, "contentChanges": content,
    }})


def clamped_offset(text: str, line: int, character: int, encoding: str) -> int:
    """Where an editor puts a position that may lie outside the text (VS Code's ``validatePosition``)."""
    lines = lsp_lines(text)
    if line < 0:
        return 0
    if line >= len(lines):
        return len(text)
    start = sum(len(m) for m in _BREAK_AND_LINE.findall(text)[:line]) if line else 0
    column = 0
    count = 0
    for ch in lines[line]:
        if count >= max(character, 0):
            break
        count += units(ch, encoding)
        column += 1
    return start + column


_BREAK_AND_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")


def close(client: RecordingClient, uri: str) -> None:
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))

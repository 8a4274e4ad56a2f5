"""A document's diagnostics: computed from its current analysis, pushed, or asked for.

A client that supports pull (``textDocument/diagnostic``) gets nothing
pushed; the result id of a report is the document's stamp
(``documents.py``), so an unchanged document answers ``unchanged``.
Serialised diagnostics are kept per statement, on the server's side: an
edit re-serialises only the statements whose findings changed.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from lsprotocol import types

from ..analysis.source.positions import split_lines
from . import runtime_evidence
from .convert import LineText, compact, lsp_range, to_diagnostic
from .documents import OpenDocument
from .session import FastApiPerfServer


def diagnostics_for(ls: FastApiPerfServer, doc: OpenDocument) -> list[dict]:
    """The LSP diagnostics of the document's current state."""
    return json.loads("[" + ",".join(diagnostics_json(ls, doc)) + "]")  # one parse, not one per diagnostic


def diagnostics_json(ls: FastApiPerfServer, doc: OpenDocument) -> list[str]:
    """The same, each already serialised."""
    size = len(doc.document.text)
    if size > doc.settings.max_file_size:
        if not doc.too_large:
            ls.log(f"{doc.uri}: {size:,} characters is over the {doc.settings.max_file_size:,} limit (`max-file-size`); not analysed")
        doc.too_large = True
        doc.serialised = {}
        return []
    doc.too_large = False
    analysis = doc.latest()
    for error in analysis.errors:
        ls.log(
            f"rule {error.code} failed in {doc.uri} at line {error.line + 1}: {type(error.error).__name__}: {error.error}",
            types.MessageType.Error,
        )
    analysis.errors.clear()
    encoding = ls.encoding
    elsewhere = _elsewhere(ls)
    with_runtime = runtime_evidence.joined(ls, doc, doc.shown(analysis.findings))
    if with_runtime is not None:  # the join is over the whole file: no per-statement cache
        doc.serialised = {}
        return [compact(to_diagnostic(doc, f, encoding, elsewhere)) for f in with_runtime]
    before = doc.serialised
    kept: dict = {}
    result: list[str] = []
    for chunk in analysis.chunks:
        findings = analysis.chunk_findings(chunk)
        if not findings:
            continue
        entry = before.get(id(findings))
        if entry is None or entry[0] is not findings:
            entry = (findings, [compact(to_diagnostic(doc, f, encoding, elsewhere)) for f in doc.shown(findings)])
        kept[id(findings)] = entry  # the list is held here, so its id stays its own
        result.extend(entry[1])
    doc.serialised = kept
    return result


def _elsewhere(ls: FastApiPerfServer):
    """Another file's URI and lines: its open document's text, else the file on disk."""

    def lines_of(path: str) -> tuple[str, LineText]:
        uri = Path(path).as_uri()
        other = ls.documents.get(uri)
        if other is not None:
            return uri, other.document.line_text
        lines = _disk_lines(path)
        return uri, lambda line: lines[line] if 0 <= line < len(lines) else ""

    return lines_of


@lru_cache(maxsize=64)
def _disk_lines(path: str) -> list[str]:
    try:
        return split_lines(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return []


def forget_disk_files() -> None:
    """Files changed on disk: related locations in them are converted with their new text."""
    _disk_lines.cache_clear()


def publish(ls: FastApiPerfServer, doc: OpenDocument) -> None:
    """Push the document's diagnostics, with the version the client gave it."""
    items = diagnostics_json(ls, doc)
    body = (
        '{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":'
        + json.dumps(doc.uri)
        + ',"version":'
        + str(doc.version)
        + ',"diagnostics":['
        + ",".join(items)
        + "]}}"
    )
    ls.protocol.send_raw_body(body)


def clear(ls: FastApiPerfServer, uri: str) -> None:
    """Push no diagnostics for a document that was closed."""
    ls.protocol.send_raw_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, {"uri": uri, "diagnostics": []})


def matches_current(ls: FastApiPerfServer, doc: OpenDocument, diagnostic: types.Diagnostic) -> bool:
    """True if a diagnostic the client sends back describes the document as it is now.

    A client may ask for code actions with diagnostics of an older version;
    their edits would land in the wrong place, so they get none.
    """
    if doc.too_large:
        return False
    analysis = doc.latest()  # catches up if settings or the index changed since the last run
    encoding = ls.encoding
    wanted = (diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.line, diagnostic.range.end.character)
    for finding in doc.shown(analysis.findings):
        if finding.code != diagnostic.code or finding.range.start.line != wanted[0]:
            continue
        span = lsp_range(doc, finding.range, encoding)
        if (span["start"]["line"], span["start"]["character"], span["end"]["line"], span["end"]["character"]) == wanted:
            return True
    return False


def result_id(doc: OpenDocument) -> str:
    return str(doc.stamp)


async def refresh_pull_diagnostics(ls: FastApiPerfServer) -> None:
    """Ask a pulling client to pull again (when it says it can be asked)."""
    caps = ls.client_capabilities
    workspace = getattr(caps, "workspace", None)
    diagnostics = getattr(workspace, "diagnostics", None) if workspace else None
    if diagnostics is not None and diagnostics.refresh_support:
        try:
            await ls.workspace_diagnostic_refresh_async(None)
        except Exception as error:  # the client may not implement it after all
            ls.log(f"workspace/diagnostic/refresh failed: {error!r}")

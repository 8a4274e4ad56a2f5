"""Findings as LSP diagnostics: pushed after edits, or pulled by the client.

A client that supports pull (``textDocument/diagnostic``) gets nothing
pushed; result ids are ``version:settings-generation``, so an unchanged
document answers ``unchanged``. Each diagnostic carries in ``data`` the edits
of its fix and of its ``# noqa`` action, so code actions never re-run the
analysis.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from lsprotocol import types

from ..analysis.findings import Finding, Position, Range, Severity
from ..analysis.source.positions import char_to_units, split_lines
from ..rules import BY_CODE
from .documents import OpenDocument
from .recovery import complete_pending
from .server import SOURCE, FastApiPerfServer

_SEVERITY = {Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3, Severity.HINT: 4}
_TAGS = {"unnecessary": 1, "deprecated": 2}
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)


def lsp_range(doc: OpenDocument, span: Range, encoding: str) -> dict:
    return {"start": doc.to_client(span.start, encoding), "end": doc.to_client(span.end, encoding)}


def diagnostics_for(ls: FastApiPerfServer, doc: OpenDocument) -> list[dict]:
    """The LSP diagnostics of the document's current version."""
    return json.loads("[" + ",".join(_per_chunk(ls, doc)) + "]")  # one parse, not one per diagnostic


def diagnostics_json(ls: FastApiPerfServer, doc: OpenDocument) -> list[str]:
    """The same, each already serialised: pushing a large file re-serialises only what changed."""
    return _per_chunk(ls, doc)


def _per_chunk(ls: FastApiPerfServer, doc: OpenDocument) -> list[str]:
    """Serialised diagnostics, cached per chunk as JSON text only (the dicts would double the memory)."""
    size = len(doc.document.text)
    too_large = size > doc.settings.max_file_size
    if too_large:
        if not doc.too_large:
            ls.log(f"{doc.uri}: {size:,} characters is over the {doc.settings.max_file_size:,} limit (`max-file-size`); not analysed")
        doc.too_large = True
        return []
    doc.too_large = False
    analysis = doc.latest()
    for error in analysis.errors:
        ls.log(
            f"rule {error.code} failed in {doc.uri} at line {error.line + 1}: {type(error.error).__name__}: {error.error}",
            types.MessageType.Error,
        )
    analysis.errors.clear()
    key = (ls.generation, ls.encoding)
    result: list[str] = []
    for chunk in analysis.chunks:
        findings = analysis.chunk_findings(chunk)
        if not findings:
            continue
        cached = chunk.derived.get("lsp") if chunk.derived else None
        if cached is None or cached[0] != key or cached[1] is not findings:
            cached = (key, findings, [_compact(to_diagnostic(ls, doc, f)) for f in findings])
            if chunk.derived is None:
                chunk.derived = {}
            chunk.derived["lsp"] = cached
        result.extend(cached[2])
    return result


_compact = json.JSONEncoder(separators=(",", ":")).encode
"""No spaces: a large file's diagnostics are a tenth smaller on the wire and to parse."""


def to_diagnostic(ls: FastApiPerfServer, doc: OpenDocument, finding: Finding) -> dict:
    encoding = ls.encoding
    settings = doc.settings
    item: dict = {
        "range": lsp_range(doc, finding.range, encoding),
        "severity": _SEVERITY[settings.severity_of(finding.code)],
        "source": SOURCE,
        "message": finding.message,
    }
    item["code"] = finding.code
    rule = BY_CODE.get(finding.code)
    if rule is not None:
        item["codeDescription"] = {"href": rule.url()}
    if finding.related:
        item["relatedInformation"] = [
            {"location": _location(ls, doc, r.path, r.range, encoding), "message": r.message} for r in finding.related
        ]
    if finding.tags:
        item["tags"] = [_TAGS[t] for t in finding.tags if t in _TAGS]
    data: dict = {}
    if finding.fix is not None:
        data["fix"] = {
            "title": finding.fix.message,
            "applicability": finding.fix.applicability.value,
            "edits": [{"range": lsp_range(doc, e.range, encoding), "newText": e.content} for e in finding.fix.edits],
        }
    noqa = noqa_edit(doc, finding, encoding)
    if noqa is not None:
        data["noqa"] = noqa
    if data:
        item["data"] = data
    return item


def _location(ls: FastApiPerfServer, doc: OpenDocument, path: str | None, span: Range, encoding: str) -> dict:
    """A location in this document or in another file (open or on disk), in client units."""
    if path is None:
        return {"uri": doc.uri, "range": lsp_range(doc, span, encoding)}
    uri = Path(path).as_uri()
    other = ls.documents.get(uri)
    if other is not None:
        return {"uri": uri, "range": lsp_range(other, span, encoding)}
    lines = _disk_lines(path)

    def convert(position: Position) -> dict:
        text = lines[position.line] if position.line < len(lines) else ""
        return {"line": position.line, "character": char_to_units(text, position.column, encoding)}

    return {"uri": uri, "range": {"start": convert(span.start), "end": convert(span.end)}}


@lru_cache(maxsize=64)
def _disk_lines(path: str) -> list[str]:
    try:
        return split_lines(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return []


def noqa_edit(doc: OpenDocument, finding: Finding, encoding: str) -> dict | None:
    """The edit that adds the finding's code to a ``# noqa`` comment on its first line."""
    line = finding.range.start.line
    text = doc.document.line_text(line)
    if text.count('"""') % 2 or text.count("'''") % 2 or text.rstrip().endswith("\\"):
        return None  # the line ends inside a string or continues: no comment can go there
    match = _NOQA.search(text)
    if match is not None and match.group("codes") is None:
        return None  # a bare noqa already silences everything
    if match is not None:
        end = Position(line, match.end("codes"))
        new_text = f", {finding.code}"
    else:
        stripped = len(text.rstrip())
        end = Position(line, stripped)
        new_text = f"  # noqa: {finding.code}"
    span = lsp_range(doc, Range(end, end), encoding)
    return {"range": span, "newText": new_text}


def publish(ls: FastApiPerfServer, doc: OpenDocument) -> None:
    items = diagnostics_json(ls, doc)
    doc.published_version = doc.version
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
    for finding in analysis.findings:
        if finding.code != diagnostic.code or finding.range.start.line != wanted[0]:
            continue
        span = lsp_range(doc, finding.range, encoding)
        if (span["start"]["line"], span["start"]["character"], span["end"]["line"], span["end"]["character"]) == wanted:
            return True
    return False


def result_id(ls: FastApiPerfServer, doc: OpenDocument) -> str:
    return f"{doc.version}:{ls.generation}:{doc.revision}"


async def refresh_pull_diagnostics(ls: FastApiPerfServer) -> None:
    caps = ls.client_capabilities
    workspace = getattr(caps, "workspace", None)
    diagnostics = getattr(workspace, "diagnostics", None) if workspace else None
    if diagnostics is not None and diagnostics.refresh_support:
        try:
            await ls.workspace_diagnostic_refresh_async(None)
        except Exception as error:  # the client may not implement it after all
            ls.log(f"workspace/diagnostic/refresh failed: {error!r}")


def register(server: FastApiPerfServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=True),
    )
    async def document_diagnostic(ls: FastApiPerfServer, params: types.DocumentDiagnosticParams):
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return {"kind": "full", "items": []}
        await complete_pending(doc)
        rid = result_id(ls, doc)
        if params.previous_result_id == rid:
            return {"kind": "unchanged", "resultId": rid}
        items = diagnostics_for(ls, doc)
        from .semantic import answer_later

        answer_later(ls, doc)
        return {"kind": "full", "resultId": result_id(ls, doc), "items": items}

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(ls: FastApiPerfServer, params: types.WorkspaceDiagnosticParams):
        previous = {p.uri: p.value for p in params.previous_result_ids or []}
        reports = []
        for doc in list(ls.documents.values()):
            await complete_pending(doc)
            rid = result_id(ls, doc)
            if previous.get(doc.uri) == rid:
                reports.append({"kind": "unchanged", "uri": doc.uri, "version": doc.version, "resultId": rid})
            else:
                reports.append(
                    {"kind": "full", "uri": doc.uri, "version": doc.version, "resultId": rid, "items": diagnostics_for(ls, doc)}
                )
        return {"items": reports}

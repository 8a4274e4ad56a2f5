"""Findings as LSP diagnostics: plain functions from core values to JSON-ready dicts.

Positions are converted to the client's units with the text of the
document they point into. Each diagnostic carries in ``data`` the edits of
its fix and of its ``# noqa`` action, so that code actions never run the
analysis again (what ruff_server does too). Dicts rather than ``lsprotocol``
objects: a large file's diagnostics are serialised an order of magnitude
faster that way.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ..analysis.findings import Finding, Position, Range, Severity
from ..analysis.source.noqa import find_line_noqa
from ..analysis.source.positions import char_to_units
from ..rules import BY_CODE
from .documents import OpenDocument

SOURCE = "fastapi-perf"
_SEVERITY = {Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3, Severity.HINT: 4}
_TAGS = {"unnecessary": 1, "deprecated": 2}

LineText = Callable[[int], str]
"""The text of a line (0-based) of some file, '' past its end."""

compact = json.JSONEncoder(separators=(",", ":")).encode
"""No spaces: a large file's diagnostics are a tenth smaller on the wire and to parse."""


def lsp_range(doc: OpenDocument, span: Range, encoding: str) -> dict:
    return {"start": doc.to_client(span.start, encoding), "end": doc.to_client(span.end, encoding)}


def to_diagnostic(
    doc: OpenDocument, finding: Finding, encoding: str, elsewhere: Callable[[str], tuple[str, LineText]]
) -> dict:
    """The LSP diagnostic of a finding in ``doc``; ``elsewhere(path)`` gives another file's URI and lines."""
    item: dict = {
        "range": lsp_range(doc, finding.range, encoding),
        "severity": _SEVERITY[doc.settings.severity_of(finding.code)],
        "source": SOURCE,
        "message": finding.message,
    }
    item["code"] = finding.code
    rule = BY_CODE.get(finding.code)
    if rule is not None:
        item["codeDescription"] = {"href": rule.url()}
    if finding.related:
        item["relatedInformation"] = [
            {"location": _location(doc, r.path, r.range, encoding, elsewhere), "message": r.message} for r in finding.related
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


def _location(
    doc: OpenDocument, path: str | None, span: Range, encoding: str, elsewhere: Callable[[str], tuple[str, LineText]]
) -> dict:
    """A location in this document or in another file, in client units."""
    if path is None:
        return {"uri": doc.uri, "range": lsp_range(doc, span, encoding)}
    uri, line_text = elsewhere(path)

    def convert(position: Position) -> dict:
        return {"line": position.line, "character": char_to_units(line_text(position.line), position.column, encoding)}

    return {"uri": uri, "range": {"start": convert(span.start), "end": convert(span.end)}}


def noqa_edit(doc: OpenDocument, finding: Finding, encoding: str) -> dict | None:
    """The edit that adds the finding's code to a ``# noqa`` comment on its first line."""
    line = finding.range.start.line
    text = doc.document.line_text(line)
    if text.count('"""') % 2 or text.count("'''") % 2 or text.rstrip().endswith("\\"):
        return None  # the line ends inside a string or continues: no comment can go there
    noqa = find_line_noqa(text)
    if noqa is not None and noqa[1] is None:
        return None  # a bare noqa already silences everything
    if noqa is not None:
        end = Position(line, noqa[1])
        new_text = f", {finding.code}"
    else:
        stripped = len(text.rstrip())
        end = Position(line, stripped)
        new_text = f"  # noqa: {finding.code}"
    span = lsp_range(doc, Range(end, end), encoding)
    return {"range": span, "newText": new_text}

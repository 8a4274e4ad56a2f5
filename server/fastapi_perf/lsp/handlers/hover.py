"""Hover: on a flagged range, or on a code inside ``# noqa: ...``, explain the rule.

On a flagged range the hover names the rule and links its page but does not
repeat the finding's message: editors show the diagnostic's message in the
same popup, so it appeared twice.
"""

from __future__ import annotations

from lsprotocol import types

from ...analysis.source.noqa import codes_in
from ...rules import BY_CODE
from ...runtime.table import format_ms
from .. import runtime_evidence
from ..session import FastApiPerfServer


def rule_markdown(code: str) -> str | None:
    rule = BY_CODE.get(code)
    if rule is None:
        return None
    return f"**{rule.code}** `{rule.name}`: {rule.summary}\n\n[Documentation]({rule.url()})"


def hover(ls: FastApiPerfServer, params: types.HoverParams) -> types.Hover | None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    position = doc.from_client(params.position, ls.encoding)
    line = doc.document.line_text(position.line)
    hash_at = line.find("#")
    while hash_at >= 0:
        for code, start, end in codes_in(line[hash_at:]):
            if hash_at + start <= position.column <= hash_at + end and (hover := _markdown(rule_markdown(code))):
                return hover
        hash_at = line.find("#", hash_at + 1)
    # Out of date (the index just finished and a pull client has not pulled again yet): the
    # analysis the next publication or pull needs anyway, run now instead of answering nothing.
    analysis = doc.current or doc.latest()
    observed = runtime_markdown(ls, doc, position.line)
    for finding in doc.shown(analysis.findings):
        if finding.code and finding.range.start <= position <= finding.range.end:
            if hover := _markdown("\n\n".join(t for t in (rule_markdown(finding.code), observed) if t)):
                return hover
    return _markdown(observed)


def runtime_markdown(ls: FastApiPerfServer, doc, line: int) -> str | None:
    """What the tests saw on this line (``fastapi-perf-runtime.json``), numbers in full."""
    parts = []
    for finding in runtime_evidence.evidence_at(ls, doc, line):
        runtime = finding.runtime
        text = (
            f"**Observed at run time** ({finding.code}): {runtime.stalls} stall{'s' if runtime.stalls != 1 else ''}, "
            f"total {format_ms(runtime.total_ms)} ms, max {format_ms(runtime.max_ms)} ms"
        )
        if runtime.stale:
            text += " (stale: the file changed after the tests ran)"
        if runtime.tests:
            text += "\n\n" + "\n".join(f"- `{test}`" for test in runtime.tests)
        parts.append(text)
    return "\n\n".join(parts) or None


def _markdown(text: str | None) -> types.Hover | None:
    return types.Hover(contents=types.MarkupContent(types.MarkupKind.Markdown, text)) if text else None

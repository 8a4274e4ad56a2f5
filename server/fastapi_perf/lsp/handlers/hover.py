"""Hover: on a flagged range, or on a code inside ``# noqa: ...``, explain the rule."""

from __future__ import annotations

from lsprotocol import types

from ...analysis.noqa import codes_in
from ...rules import BY_CODE
from ..session import FastApiPerfServer


def rule_markdown(code: str, message: str | None = None) -> str | None:
    rule = BY_CODE.get(code)
    if rule is None:
        return None
    parts = [f"**{rule.code}** `{rule.name}`: {rule.summary}"]
    if message:
        parts.append(message)
    parts.append(f"[Documentation]({rule.url()})")
    return "\n\n".join(parts)


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
    analysis = doc.current
    if analysis is None:
        return None
    for finding in doc.shown(analysis.findings):
        if finding.code and finding.range.start <= position <= finding.range.end:
            if hover := _markdown(rule_markdown(finding.code, finding.message)):
                return hover
    return None


def _markdown(text: str | None) -> types.Hover | None:
    return types.Hover(contents=types.MarkupContent(types.MarkupKind.Markdown, text)) if text else None

"""One finding of the HTML report: its head, code excerpt, call chain, fix diff and runtime evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..analysis.findings import Range, Related, Severity
from ..analysis.source.positions import split_lines
from ..rules import BY_CODE
from . import Reported, display_path
from .diffs import fix_diff
from .evidence import RuntimeEvidence
from .scopes import Scope, ScopeMap

SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO, Severity.HINT)
_CONTEXT_LINES = 2
_MAX_EXCERPT_LINES = 12
_MAX_TESTS_SHOWN = 10


@dataclass(slots=True)
class Entry:
    item: Reported
    evidence: RuntimeEvidence | None


class Sources:
    """File texts, read once each; a file that cannot be read shows no excerpt."""

    def __init__(self) -> None:
        self._lines: dict[Path, list[str] | None] = {}
        self._texts: dict[Path, str | None] = {}
        self._scopes: dict[Path, ScopeMap] = {}

    def text(self, path: Path) -> str | None:
        if path not in self._texts:
            try:
                with open(path, encoding="utf-8", errors="replace", newline="") as stream:
                    self._texts[path] = stream.read().removeprefix("\ufeff")  # positions are counted without it
            except OSError:
                self._texts[path] = None
        return self._texts[path]

    def lines(self, path: Path) -> list[str] | None:
        if path not in self._lines:
            text = self.text(path)
            self._lines[path] = split_lines(text) if text is not None else None
        return self._lines[path]

    def scope(self, path: Path, line: int) -> Scope:
        if path not in self._scopes:
            self._scopes[path] = ScopeMap(self.text(path) or "")
        return self._scopes[path].at(line)


def prose(text: str) -> str:
    """Escaped text whose `backticked` parts (names in messages) are set as code."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show it as written
        return escape(text)
    return "".join(f"<code>{escape(p)}</code>" if i % 2 else escape(p) for i, p in enumerate(parts))


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def finding_html(entry: Entry, number: int, scope: Scope, name: str, sources: Sources, cwd: Path) -> str:
    """``name``: the file as the report shows it; ``scope``: the group the finding is shown in."""
    item, f = entry.item, entry.item.finding
    rule = BY_CODE.get(f.code) if f.code else None
    code = escape(f.code or "SyntaxError")
    link = f'<a class="rule" href="{escape(rule.url())}" title="{escape(rule.name)}: rule page">{code}</a>' if rule else f"<b>{code}</b>"
    location = f"{name}:{f.range.start.line + 1}:{f.range.start.column + 1}"
    search = " ".join(
        [f.code or "syntaxerror", rule.name if rule else "", rule.category.value if rule else "", location, f.message,
         scope.title, scope.route or ""]
    ).lower()
    badges = []
    if f.fix is not None:
        badges.append(f'<span class="badge">{escape(f.fix.applicability.value)} fix</span>')
    if entry.evidence:
        badges.append(f'<span class="badge runtime">stalled {entry.evidence.stalls}× in tests</span>')
    html = [
        f'<div class="finding" id="f-{number}" data-code="{code}" data-severity="{escape(item.severity.value)}" data-search="{escape(search)}">',
        f'<div class="head">{link}<span class="sev {escape(item.severity.value)}">{escape(item.severity.value)}</span>',
        f'<span class="loc">{escape(location)}</span>{"".join(badges)}<span class="message">{prose(f.message)}</span></div>'
    ]
    lines = sources.lines(item.path)
    if lines is not None:
        html.append(_excerpt(lines, f.range))
    if f.related:
        html.append(_chain(f.related, item.path, sources, cwd))
    if f.fix is not None and f.fix.edits:
        text = sources.text(item.path)
        if text is not None:
            diff = fix_diff(text, f.fix, name)
            html.append(
                f'<details class="fix" open><summary>Fix ({escape(f.fix.applicability.value)}): {prose(f.fix.message)}</summary>'
                f"{_diff(diff)}</details>"
            )
    if entry.evidence:
        html.append(runtime_html(entry.evidence))
    html.append("</div>")
    return "".join(html)


def _excerpt(lines: list[str], span: Range, context: int = _CONTEXT_LINES) -> str:
    first = max(0, span.start.line - context)
    last = min(len(lines) - 1, span.end.line + context, first + _MAX_EXCERPT_LINES - 1)
    if first > last:
        return ""
    rows = []
    for number in range(first, last + 1):
        line = lines[number]
        if span.start.line <= number <= span.end.line:
            start = span.start.column if number == span.start.line else 0
            end = span.end.column if number == span.end.line else len(line)
            marked = f"{escape(line[:start])}<mark>{escape(line[start:end])}</mark>{escape(line[end:])}"
            rows.append(f'<span class="hit"><span class="ln">{number + 1}</span>{marked}</span>')
        else:
            rows.append(f'<span><span class="ln">{number + 1}</span>{escape(line)}</span>')
    return f'<pre class="excerpt">{"".join(rows)}</pre>'


def _chain(related: Sequence[Related], own: Path, sources: Sources, cwd: Path) -> str:
    steps = []
    for step in related:
        path = Path(step.path) if step.path is not None else own
        where = f"{display_path(path, cwd)}:{step.range.start.line + 1}:{step.range.start.column + 1}"
        lines = sources.lines(path)
        excerpt = _excerpt(lines, step.range, context=0) if lines is not None else ""
        steps.append(f'<li><span class="loc">{escape(where)}</span> {prose(step.message)}{excerpt}</li>')
    files = len({Path(r.path) if r.path is not None else own for r in related} | {own})
    across = f" across {plural(files, 'file')}" if files > 1 else ""
    return f'<details class="chain" open><summary>Call chain: {plural(len(related), "step")}{across}</summary><ol class="chain">{"".join(steps)}</ol></details>'


def _diff(diff: str) -> str:
    rows = []
    for line in diff.splitlines():
        if line.startswith(("---", "+++")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "del"
        else:
            kind = "same"
        rows.append(f'<span class="{kind}">{escape(line)}</span>')
    return f'<pre class="diff">{"".join(rows)}</pre>'


def runtime_html(evidence: RuntimeEvidence) -> str:
    tests = list(evidence.tests[:_MAX_TESTS_SHOWN])
    more = evidence.test_count - len(tests)
    listed = "".join(f"<li><code>{escape(t)}</code></li>" for t in tests)
    if more > 0:
        listed += f"<li class=\"muted\">{'and ' if tests else ''}{plural(more, 'test')}{' more' if tests else ''}</li>"
    return (
        '<section class="runtime-evidence"><h4>Runtime evidence</h4><dl>'
        f"<dt>Event-loop stalls</dt><dd>{evidence.stalls}</dd>"
        f"<dt>Stalled in total</dt><dd>{evidence.total_ms:.1f} ms</dd>"
        f"<dt>Longest stall</dt><dd>{evidence.max_ms:.1f} ms</dd>"
        + (f"<dt>Tests</dt><dd><ul>{listed}</ul></dd>" if listed else "")
        + "</dl>"
        + ('<p class="muted">Seen only at run time: static analysis did not find it.</p>' if evidence.observed_only else "")
        + ('<p class="muted">Stale: the file changed after the tests ran; the line may have moved.</p>' if evidence.stale else "")
        + "</section>"
    )

"""``--output-format html``: one self-contained page to open in a browser or attach to a pull request.

The page leads with a summary (counts, a chart by category and rule, a table
of rules), then every finding grouped by the route or function that encloses
it, worst first: groups with runtime evidence come first, by the stall time
a test run observed; then by the number of error findings, then warnings,
then findings of any severity; ties by file and line. Each finding shows its
code, its call chain across files, its fix as a diff, a link to its rule page
and, when a runtime report was joined, what the test run observed there.

Everything from the code or the findings is escaped; the page loads nothing
(style, script and chart are inline, and its Content-Security-Policy forbids
any fetch).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path

from .. import __version__
from ..analysis.findings import Range, Severity
from ..analysis.positions import split_lines
from ..rules import BY_CODE, Category
from . import Reported, display_path
from .diffs import fix_diff
from .evidence import RuntimeEvidence, evidence_from, runtime_of
from .html_assets import CSP, SCRIPT, STYLE
from .html_chart import category_chart
from .scopes import Scope, ScopeMap

_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO, Severity.HINT)
_CONTEXT_LINES = 2
_MAX_EXCERPT_LINES = 12
_MAX_TESTS_SHOWN = 10


@dataclass(slots=True)
class _Entry:
    item: Reported
    evidence: RuntimeEvidence | None


@dataclass(slots=True)
class _Group:
    path: Path
    scope: Scope
    entries: list[_Entry] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for e in self.entries if e.item.severity is severity)

    @property
    def stall_ms(self) -> float:
        return sum(e.evidence.total_ms for e in self.entries if e.evidence)

    def rank(self) -> tuple:
        first = min(e.item.finding.range.start for e in self.entries)
        return (-self.stall_ms, -self.count(Severity.ERROR), -self.count(Severity.WARNING), -len(self.entries), str(self.path), first)


class _Sources:
    """File texts, read once each; a file that cannot be read shows no excerpt."""

    def __init__(self) -> None:
        self._lines: dict[Path, list[str] | None] = {}
        self._texts: dict[Path, str | None] = {}
        self._scopes: dict[Path, ScopeMap] = {}

    def text(self, path: Path) -> str | None:
        if path not in self._texts:
            try:
                with open(path, encoding="utf-8", errors="replace", newline="") as stream:
                    self._texts[path] = stream.read()
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


def render(
    reported: Sequence[Reported],
    cwd: Path,
    *,
    hidden_unsafe: int = 0,
    fixed: int = 0,
    runtime: Callable[[Reported], Mapping | None] = runtime_of,
    generated: datetime | None = None,
) -> str:
    sources = _Sources()
    groups: dict[tuple[Path, Scope], _Group] = {}
    for item in reported:
        scope = sources.scope(item.path, item.finding.range.start.line)
        group = groups.setdefault((item.path, scope), _Group(item.path, scope))
        group.entries.append(_Entry(item, evidence_from(runtime(item))))
    ordered = sorted(groups.values(), key=_Group.rank)
    for group in ordered:
        group.entries.sort(key=lambda e: (-(e.evidence.total_ms if e.evidence else 0), _SEVERITIES.index(e.item.severity), e.item.finding.range.start))
    entries = [e for g in ordered for e in g.entries]
    files = len({item.path for item in reported})
    when = f" · {generated:%Y-%m-%d %H:%M %Z}".rstrip() if generated else ""
    title = f"fastapi-perf: {_plural(len(reported), 'finding')}"
    meta = f"{_plural(len(reported), 'finding')} in {_plural(files, 'file')} · fastapi-perf {__version__}{when}"
    body = [f"<header><h1>fastapi-perf report</h1><p class=\"meta\">{escape(meta)}</p></header><main>"]
    body.append(_summary(entries, hidden_unsafe, fixed))
    body.append(_findings(ordered, sources, cwd))
    body.append(
        "</main><footer><p>Rule pages explain each pattern, what to write instead and what it costs. "
        "Fix a finding with <code>fastapi-perf check --fix</code> (safe fixes) or add "
        "<code>--unsafe-fixes</code>; silence a line with <code># noqa: FAP…</code>.</p></footer>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        + "".join(body)
        + f"<script>{SCRIPT}</script></body></html>\n"
    )


def _prose(text: str) -> str:
    """Escaped text whose `backticked` parts (names in messages) are set as code."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show it as written
        return escape(text)
    return "".join(f"<code>{escape(p)}</code>" if i % 2 else escape(p) for i, p in enumerate(parts))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# -- summary ------------------------------------------------------------------

def _summary(entries: list[_Entry], hidden_unsafe: int, fixed: int) -> str:
    if not entries:
        done = f" {_plural(fixed, 'finding')} fixed." if fixed else ""
        return f'<section id="summary"><h2>Summary</h2><p class="all-passed">All checks passed!{escape(done)}</p></section>'
    cards = [("findings", len(entries))]
    cards += [(s.value, n) for s in _SEVERITIES if (n := sum(1 for e in entries if e.item.severity is s))]
    cards.append(("fixable with --fix", sum(1 for e in entries if e.item.fixable)))
    if hidden_unsafe:
        cards.append(("more with --unsafe-fixes", hidden_unsafe))
    if fixed:
        cards.append(("fixed in this run", fixed))
    observed = [e for e in entries if e.evidence]
    if observed:
        cards.append(("stalled in tests", len(observed)))
    html = ['<section id="summary"><h2>Summary</h2><div class="cards">']
    html += [f'<div class="card"><b>{n}</b>{escape(label)}</div>' for label, n in cards]
    html.append("</div>")
    by_rule: dict[str, list[_Entry]] = {}
    for entry in entries:
        by_rule.setdefault(entry.item.finding.code or "SyntaxError", []).append(entry)
    rows = []
    for category in Category:
        segments = [(c, BY_CODE[c].name, len(by_rule[c])) for c in sorted(by_rule) if c in BY_CODE and BY_CODE[c].category is category]
        rows.append((category.title, category, segments))
    if "SyntaxError" in by_rule:
        rows.append(("Syntax errors", None, [("SyntaxError", "syntax-error", len(by_rule["SyntaxError"]))]))
    html.append(f'<figure id="chart">{category_chart(rows)}<figcaption class="muted">Findings by category; each bar is split by rule.</figcaption></figure>')
    html.append(
        '<table id="rules"><thead><tr><th>Rule</th><th>Name</th><th>Category</th>'
        '<th class="num">Findings</th><th class="num">Fixable</th><th class="num">Stalled in tests</th></tr></thead><tbody>'
    )
    for code, items in sorted(by_rule.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        rule = BY_CODE.get(code)
        link = f'<a href="{escape(rule.url())}">{escape(code)}</a>' if rule else escape(code)
        html.append(
            f'<tr class="rule-row" data-code="{escape(code)}"><td>{link}</td><td>{escape(rule.name if rule else "syntax-error")}</td>'
            f"<td>{escape(rule.category.title if rule else 'Syntax')}</td><td class=\"num\">{len(items)}</td>"
            f'<td class="num">{sum(1 for e in items if e.item.fixable)}</td>'
            f'<td class="num">{sum(1 for e in items if e.evidence)}</td></tr>'
        )
    html.append("</tbody></table></section>")
    return "".join(html)


# -- findings, grouped by route or function -------------------------------------

def _findings(groups: list[_Group], sources: _Sources, cwd: Path) -> str:
    if not groups:
        return ""
    html = [
        '<section id="findings"><h2>Worst routes and functions first</h2>',
        '<div class="toolbar"><input id="filter" type="search" placeholder="Filter: code, file, route or words" ',
        'aria-label="Filter findings"><span id="shown" class="muted"></span></div>',
    ]
    number = 0
    for index, group in enumerate(groups):
        name = display_path(group.path, cwd)
        lines = sources.lines(group.path)
        counts = ", ".join(_plural(n, s.value) for s in _SEVERITIES if (n := group.count(s)))
        route = f'<span class="route">{escape(group.scope.route)}</span>' if group.scope.route else ""
        where = f"{name}:{group.scope.line + 1}" if group.scope.kind != "module" else name
        stalls = f'<span class="badge runtime">{group.stall_ms:.0f} ms stalled in tests</span>' if group.stall_ms else ""
        html.append(
            f'<article class="scope" id="scope-{index + 1}"><header><h3>{route}<code>{escape(group.scope.title)}</code>'
            f'<span class="loc muted">{escape(where)}</span>{stalls}<span class="counts muted">{escape(counts)}</span></h3></header>'
        )
        for entry in group.entries:
            number += 1
            html.append(_finding(entry, number, group, name, lines, sources, cwd))
        html.append("</article>")
    html.append("</section>")
    return "".join(html)


def _finding(entry: _Entry, number: int, group: _Group, name: str, lines: list[str] | None, sources: _Sources, cwd: Path) -> str:
    item, f = entry.item, entry.item.finding
    rule = BY_CODE.get(f.code) if f.code else None
    code = escape(f.code or "SyntaxError")
    link = f'<a class="rule" href="{escape(rule.url())}" title="{escape(rule.name)}: rule page">{code}</a>' if rule else f"<b>{code}</b>"
    location = f"{name}:{f.range.start.line + 1}:{f.range.start.column + 1}"
    search = " ".join(
        [f.code or "syntaxerror", rule.name if rule else "", rule.category.value if rule else "", location, f.message,
         group.scope.title, group.scope.route or ""]
    ).lower()
    badges = []
    if f.fix is not None:
        badges.append(f'<span class="badge">{escape(f.fix.applicability.value)} fix</span>')
    if entry.evidence:
        badges.append(f'<span class="badge runtime">stalled {entry.evidence.stalls}× in tests</span>')
    html = [
        f'<div class="finding" id="f-{number}" data-code="{code}" data-severity="{escape(item.severity.value)}" data-search="{escape(search)}">',
        f'<div class="head">{link}<span class="sev {escape(item.severity.value)}">{escape(item.severity.value)}</span>',
        f'<span class="loc">{escape(location)}</span>{"".join(badges)}<span class="message">{_prose(f.message)}</span></div>'
    ]
    if lines is not None:
        html.append(_excerpt(lines, f.range))
    if f.related:
        html.append(_chain(f.related, item.path, sources, cwd))
    if f.fix is not None and f.fix.edits:
        text = sources.text(item.path)
        if text is not None:
            diff = fix_diff(text, f.fix, name)
            html.append(
                f'<details class="fix" open><summary>Fix ({escape(f.fix.applicability.value)}): {_prose(f.fix.message)}</summary>'
                f"{_diff(diff)}</details>"
            )
    if entry.evidence:
        html.append(_runtime(entry.evidence))
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


def _chain(related, own: Path, sources: _Sources, cwd: Path) -> str:
    steps = []
    for step in related:
        path = Path(step.path) if step.path is not None else own
        where = f"{display_path(path, cwd)}:{step.range.start.line + 1}:{step.range.start.column + 1}"
        lines = sources.lines(path)
        excerpt = _excerpt(lines, step.range, context=0) if lines is not None else ""
        steps.append(f'<li><span class="loc">{escape(where)}</span> {_prose(step.message)}{excerpt}</li>')
    files = len({Path(r.path) if r.path is not None else own for r in related} | {own})
    across = f" across {_plural(files, 'file')}" if files > 1 else ""
    return f'<details class="chain" open><summary>Call chain: {_plural(len(related), "step")}{across}</summary><ol class="chain">{"".join(steps)}</ol></details>'


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


def _runtime(evidence: RuntimeEvidence) -> str:
    tests = list(evidence.tests[:_MAX_TESTS_SHOWN])
    more = evidence.test_count - len(tests)
    listed = "".join(f"<li><code>{escape(t)}</code></li>" for t in tests)
    if more > 0:
        listed += f"<li class=\"muted\">{'and ' if tests else ''}{_plural(more, 'test')}{' more' if tests else ''}</li>"
    return (
        '<section class="runtime-evidence"><h4>Runtime evidence</h4><dl>'
        f"<dt>Event-loop stalls</dt><dd>{evidence.stalls}</dd>"
        f"<dt>Stalled in total</dt><dd>{evidence.total_ms:.1f} ms</dd>"
        f"<dt>Longest stall</dt><dd>{evidence.max_ms:.1f} ms</dd>"
        + (f"<dt>Tests</dt><dd><ul>{listed}</ul></dd>" if listed else "")
        + "</dl></section>"
    )

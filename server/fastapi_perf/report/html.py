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
from ..analysis.findings import Severity
from ..rules import BY_CODE, Category
from . import Reported, display_path
from .evidence import evidence_from, runtime_of
from .html_assets import CSP, SCRIPT, STYLE
from .html_chart import category_chart
from .html_finding import SEVERITIES, Entry, Sources, finding_html, plural
from .scopes import Scope


@dataclass(slots=True)
class _Group:
    path: Path
    scope: Scope
    entries: list[Entry] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for e in self.entries if e.item.severity is severity)

    @property
    def stall_ms(self) -> float:
        return sum(e.evidence.total_ms for e in self.entries if e.evidence)

    def rank(self) -> tuple:
        first = min(e.item.finding.range.start for e in self.entries)
        return (-self.stall_ms, -self.count(Severity.ERROR), -self.count(Severity.WARNING), -len(self.entries), str(self.path), first)


def render(
    reported: Sequence[Reported],
    cwd: Path,
    *,
    hidden_unsafe: int = 0,
    fixed: int = 0,
    runtime: Callable[[Reported], Mapping | None] = runtime_of,
    generated: datetime | None = None,
) -> str:
    sources = Sources()
    groups: dict[tuple[Path, Scope], _Group] = {}
    for item in reported:
        scope = sources.scope(item.path, item.finding.range.start.line)
        group = groups.setdefault((item.path, scope), _Group(item.path, scope))
        group.entries.append(Entry(item, evidence_from(runtime(item))))
    ordered = sorted(groups.values(), key=_Group.rank)
    for group in ordered:
        group.entries.sort(key=lambda e: (-(e.evidence.total_ms if e.evidence else 0), SEVERITIES.index(e.item.severity), e.item.finding.range.start))
    entries = [e for g in ordered for e in g.entries]
    files = len({item.path for item in reported})
    when = f" · {generated:%Y-%m-%d %H:%M %Z}".rstrip() if generated else ""
    title = f"fastapi-perf: {plural(len(reported), 'finding')}"
    meta = f"{plural(len(reported), 'finding')} in {plural(files, 'file')} · fastapi-perf {__version__}{when}"
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


# -- summary ------------------------------------------------------------------

def _summary(entries: list[Entry], hidden_unsafe: int, fixed: int) -> str:
    if not entries:
        done = f" {plural(fixed, 'finding')} fixed." if fixed else ""
        return f'<section id="summary"><h2>Summary</h2><p class="all-passed">All checks passed!{escape(done)}</p></section>'
    cards = [("findings", len(entries))]
    cards += [(s.value, n) for s in SEVERITIES if (n := sum(1 for e in entries if e.item.severity is s))]
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
    by_rule: dict[str, list[Entry]] = {}
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

def _findings(groups: list[_Group], sources: Sources, cwd: Path) -> str:
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
        counts = ", ".join(plural(n, s.value) for s in SEVERITIES if (n := group.count(s)))
        route = f'<span class="route">{escape(group.scope.route)}</span>' if group.scope.route else ""
        where = f"{name}:{group.scope.line + 1}" if group.scope.kind != "module" else name
        stalls = f'<span class="badge runtime">{group.stall_ms:.0f} ms stalled in tests</span>' if group.stall_ms else ""
        html.append(
            f'<article class="scope" id="scope-{index + 1}"><header><h3>{route}<code>{escape(group.scope.title)}</code>'
            f'<span class="loc muted">{escape(where)}</span>{stalls}<span class="counts muted">{escape(counts)}</span></h3></header>'
        )
        for entry in group.entries:
            number += 1
            html.append(finding_html(entry, number, group.scope, name, sources, cwd))
        html.append("</article>")
    html.append("</section>")
    return "".join(html)



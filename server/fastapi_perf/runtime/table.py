"""The end-of-run table: the sites that cost the loop the most time."""

from __future__ import annotations

from collections.abc import Sequence

from .report import Site


def format_ms(ms: float) -> str:
    if ms < 0.05:
        return "<0.1"
    return f"{ms:.0f}" if ms >= 10 else f"{ms:.1f}"


def worst_sites(sites: Sequence[Site], limit: int) -> list[str]:
    if not sites:
        return ["nothing the project's code ran on an event loop blocked it"]
    ranked = sorted(sites, key=lambda s: (-s.total_ms, -s.max_ms, s.path, s.line))[:limit]
    rows = [("code", "site", "stalls", "total ms", "max ms", "tests")]
    for site in ranked:
        tests = site.tests[0] if site.tests else "-"
        if len(site.tests) > 1:
            tests += f" (+{len(site.tests) - 1})"
        where = f"{site.path}:{site.line}" + (f" {site.function}" if site.function else "")
        rows.append((site.code, where, str(site.stalls), format_ms(site.total_ms), format_ms(site.max_ms), tests))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    numeric = {2, 3, 4}
    lines = []
    for row in rows:
        cells = [cell.rjust(w) if i in numeric else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    if len(sites) > limit:
        lines.append(f"... and {len(sites) - limit} more in the report")
    return lines

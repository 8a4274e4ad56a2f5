"""The report's chart: findings per category, each bar split by rule, as inline SVG.

Drawn here rather than with a plotting library: a few rectangles and
labels, and the page must stay one file that loads nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..rules import Category

# One hue per category; the rules of a category get shades of it.
_HUES = {
    Category.BLOCKING: 2,
    Category.ASYNC_DEF: 28,
    Category.PYDANTIC: 280,
    Category.DEPENDENCIES: 205,
    Category.BACKGROUND: 150,
    Category.CACHING: 45,
}
_SYNTAX_HUE = 0

WIDTH, LABEL, COUNT, ROW, BAR = 760, 190, 50, 30, 20


def category_chart(rows: Sequence[tuple[str, Category | None, Sequence[tuple[str, str, int]]]]) -> str:
    """``rows``: (title, category, [(code, name, count), ...]) per bar, in display order."""
    top = max((sum(c for *_, c in segments) for _title, _category, segments in rows), default=0) or 1
    span = WIDTH - LABEL - COUNT
    height = ROW * len(rows) + 10
    total = sum(count for *_, segments in rows for *_, count in segments)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" aria-labelledby="chart-title">',
        f'<title id="chart-title">{total} findings by category and rule</title>',
    ]
    for index, (title, category, segments) in enumerate(rows):
        y = 5 + index * ROW
        parts.append(f'<text x="{LABEL - 8}" y="{y + BAR - 5}" text-anchor="end">{escape(title)}</text>')
        x = float(LABEL)
        hue = _HUES.get(category, _SYNTAX_HUE) if category is not None else _SYNTAX_HUE
        for shade, (code, name, count) in enumerate(segments):
            width = span * count / top
            lightness = 38 + (shade * 12) % 36
            parts.append(
                f'<rect class="segment" data-code="{escape(code)}" x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" '
                f'fill="hsl({hue}, 62%, {lightness}%)"><title>{escape(code)} {escape(name)}: {count}</title></rect>'
            )
            if width >= 46:
                parts.append(f'<text class="inside" x="{x + 5:.1f}" y="{y + BAR - 6}">{escape(code)}</text>')
            x += width
        count = sum(c for *_, c in segments)
        parts.append(f'<text x="{x + 6:.1f}" y="{y + BAR - 5}">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)

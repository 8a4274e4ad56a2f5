"""The README quotes docs/performance.md's measured figures exactly, never rounded."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_speed_figures_are_quoted_from_the_performance_page() -> None:
    readme = (ROOT / "README.md").read_text()
    speed = readme[readme.index("## Speed\n") :]
    speed = speed[: speed.find("\n## ", 1)]
    figures = re.findall(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+\.\d+\b", speed)
    assert len(figures) >= 8, figures
    performance = (ROOT / "docs" / "performance.md").read_text()
    missing = [figure for figure in figures if not re.search(rf"(?<![\d.,]){re.escape(figure)}(?![\d,]|\.\d)", performance)]
    assert not missing, f"figures in the README that docs/performance.md does not give: {missing}"
    assert "2026-11-27" in speed and "2026-11-27" in performance  # the run they come from

"""``--output-format github``: GitHub Actions workflow commands that annotate the diff.

Paths are relative to the repository root (``report/repository.py``), which
GitHub resolves them against, whichever folder the step ran in.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..analysis.findings import Severity
from . import Reported, display_path

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice", Severity.HINT: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(reported: Sequence[Reported], root: Path) -> str:
    lines = []
    root = root.resolve()
    for item in reported:
        f = item.finding
        path = display_path(item.path.resolve(), root)
        title = f"fastapi-perf ({f.code})"
        properties = ",".join(
            [
                f"title={_escape_property(title)}",
                f"file={_escape_property(path)}",
                f"line={f.range.start.line + 1}",
                f"col={f.range.start.column + 1}",
                f"endLine={f.range.end.line + 1}",
                f"endColumn={f.range.end.column + 1}",
            ]
        )
        location = f"{path}:{f.range.start.line + 1}:{f.range.start.column + 1}:"
        body = f"{location} {f.code} {f.message}" if f.code else f"{location} {f.message}"
        lines.append(f"::{_LEVEL[item.severity]} {properties}::{_escape_data(body)}")
    return "\n".join(lines) + ("\n" if lines else "")

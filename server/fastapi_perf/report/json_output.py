"""``--output-format json``: the shape of Ruff's JSON output, so existing tooling reads it.

One key Ruff does not have: ``related``, the finding's call chain, each step
with its message, file and position.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..analysis.findings import Position, Related
from ..rules import BY_CODE
from . import Reported, display_path, runtime_dict


def _location(position: Position) -> dict:
    return {"row": position.line + 1, "column": position.column + 1}


def _related(related: Related, own: Path, base: Path | None) -> dict:
    path = Path(related.path) if related.path is not None else own  # None: the finding's own file
    return {
        "message": related.message,
        "filename": display_path(path, base) if base else str(path),
        "location": _location(related.range.start),
        "end_location": _location(related.range.end),
    }


def to_dicts(reported: Sequence[Reported], base: Path | None = None) -> list[dict]:
    """Findings as plain data; with ``base``, file names relative to it (the MCP server's root)."""
    items = []
    for item in reported:
        f = item.finding
        rule = BY_CODE.get(f.code)
        fix = None
        if f.fix is not None:
            fix = {
                "applicability": f.fix.applicability.value,
                "message": f.fix.message,
                "edits": [
                    {"content": e.content, "location": _location(e.range.start), "end_location": _location(e.range.end)}
                    for e in f.fix.edits
                ],
            }
        items.append(
            {
                "cell": None,
                "code": f.code,
                "end_location": _location(f.range.end),
                "filename": display_path(item.path, base) if base else str(item.path),
                "fix": fix,
                "location": _location(f.range.start),
                "message": f.message,
                "noqa_row": f.range.start.line + 1,
                "related": [_related(r, item.path, base) for r in f.related],
                "severity": item.severity.value,
                "url": rule.url() if rule else None,
            }
        )
        if f.runtime is not None:
            items[-1]["runtime"] = runtime_dict(f.runtime)
    return items


def render(reported: Sequence[Reported]) -> str:
    return json.dumps(to_dicts(reported), indent=2, ensure_ascii=False) + "\n"

"""``--output-format json``: the shape of Ruff's JSON output, so existing tooling reads it."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..analysis.findings import Position
from ..rules import BY_CODE
from . import Reported


def _location(position: Position) -> dict:
    return {"row": position.line + 1, "column": position.column + 1}


def to_dicts(reported: Sequence[Reported]) -> list[dict]:
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
                "filename": str(item.path),
                "fix": fix,
                "location": _location(f.range.start),
                "message": f.message,
                "noqa_row": f.range.start.line + 1,
                "severity": item.severity.value,
                "url": rule.url() if rule else None,
            }
        )
    return items


def render(reported: Sequence[Reported]) -> str:
    return json.dumps(to_dicts(reported), indent=2, ensure_ascii=False) + "\n"

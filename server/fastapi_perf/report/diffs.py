"""Unified diffs of fixes: what ``--diff`` prints, the HTML report shows and the MCP ``fix`` tool returns."""

from __future__ import annotations

import difflib

from ..analysis.findings import Fix
from ..checker.fixing import apply_edits


def unified_diff(original: str, new: str, name: str, context: int = 3) -> str:
    return "".join(
        difflib.unified_diff(
            original.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}", n=context
        )
    )


def fix_diff(text: str, fix: Fix, name: str, context: int = 2) -> str:
    """The change one fix makes to ``text``, alone (its edits already carry the imports it adds)."""
    return unified_diff(text, apply_edits(text, fix.edits), name, context)

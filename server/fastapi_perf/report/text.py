"""The default output: one line per finding, then a summary (as Ruff's concise format)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import Reported, display_path

_BOLD, _RED, _CYAN, _RESET = "\x1b[1m", "\x1b[31m", "\x1b[36m", "\x1b[0m"


def use_color(stream) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ


def render(reported: Sequence[Reported], cwd: Path, hidden_unsafe: int, color: bool = False) -> str:
    lines = []
    names: dict[Path, str] = {}
    for item in reported:
        f = item.finding
        name = names.get(item.path)
        if name is None:
            name = names[item.path] = display_path(item.path, cwd)
        where = f"{name}:{f.range.start.line + 1}:{f.range.start.column + 1}:"
        marker = " [*]" if item.fixable else ""
        code = f.code or ""
        if color:
            where = f"{_BOLD}{where}{_RESET}"
            code = f"{_RED}{_BOLD}{code}{_RESET}" if code else ""
            marker = f" {_CYAN}[*]{_RESET}" if item.fixable else ""
        lines.append(f"{where} {code}{marker} {f.message}" if code else f"{where} {f.message}")
    lines.append(summary(reported, hidden_unsafe))
    return "\n".join(lines) + "\n"


def summary(reported: Sequence[Reported], hidden_unsafe: int) -> str:
    count = len(reported)
    if count == 0:
        return "All checks passed!"
    text = f"Found {count} finding{'s' if count != 1 else ''}."
    fixable = sum(1 for r in reported if r.fixable)
    if fixable:
        text += f"\n[*] {fixable} fixable with the `--fix` option."
    if hidden_unsafe:
        text += f"\n{hidden_unsafe} more fix{'es' if hidden_unsafe != 1 else ''} available with `--unsafe-fixes`."
    return text


def render_statistics(reported: Sequence[Reported]) -> str:
    from ..rules import BY_CODE

    counts: dict[str, list[Reported]] = {}
    for item in reported:
        counts.setdefault(item.finding.code, []).append(item)
    if not counts:
        return "All checks passed!\n"
    width = max(len(str(len(v))) for v in counts.values())
    rows = []
    for code, items in sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        name = BY_CODE[code].name
        marker = "[*]" if any(i.fixable for i in items) else "[ ]"
        rows.append(f"{len(items):>{width}}\t{code}\t{marker} {name}")
    return "\n".join(rows) + "\n"


def write(text: str) -> None:
    sys.stdout.write(text)

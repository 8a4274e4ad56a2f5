"""``# noqa`` comments: per line, and ``# fastapi-perf: noqa`` for a whole file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .scanner import Comment

_LINE = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_FILE = re.compile(r"#\s*fastapi-perf\s*:\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)

ALL = None
"""A bare ``# noqa`` suppresses every code."""


@dataclass(slots=True)
class Suppressions:
    lines: dict[int, set[str] | None] = field(default_factory=dict)
    file_codes: set[str] | None = field(default_factory=set)
    """Codes suppressed for the whole file; None means the whole file is exempt."""

    def add(self, line: int, comment_text: str) -> None:
        file_match = _FILE.search(comment_text)
        if file_match:
            codes = file_match.group("codes")
            if codes is None:
                self.file_codes = None
            elif self.file_codes is not None:
                self.file_codes |= {c.upper() for c in _CODE.findall(codes)}
            return
        match = _LINE.search(comment_text)
        if not match:
            return
        codes = match.group("codes")
        if codes is None:
            self.lines[line] = ALL
        elif line not in self.lines or self.lines[line] is not ALL:
            self.lines.setdefault(line, set()).update(c.upper() for c in _CODE.findall(codes))

    def suppresses(self, code: str, line: int) -> bool:
        if self.file_codes is None or code in self.file_codes:
            return True
        if line not in self.lines:
            return False
        codes = self.lines[line]
        return codes is ALL or code in codes

    @property
    def file_exempt(self) -> bool:
        return self.file_codes is None


def collect(comments: Iterable[tuple[int, Comment]]) -> Suppressions:
    """Build suppressions from (absolute line, comment) pairs."""
    result = Suppressions()
    for line, comment in comments:
        result.add(line, comment.text)
    return result


def codes_in(comment_text: str) -> list[tuple[str, int, int]]:
    """The codes listed in a ``# noqa: ...`` comment with their column spans (for hovers and edits)."""
    match = _LINE.search(comment_text) or _FILE.search(comment_text)
    if not match or match.group("codes") is None:
        return []
    base = match.start("codes")
    return [(m.group().upper(), base + m.start(), base + m.end()) for m in _CODE.finditer(match.group("codes"))]


def find_line_noqa(text: str) -> tuple[int, int | None] | None:
    """The ``# noqa`` in a line of text: (its column, the column after its last code or None
    for a bare one), or None when there is none (for the editor's "disable for this line")."""
    match = _LINE.search(text)
    if match is None:
        return None
    return match.start(), match.end("codes") if match.group("codes") is not None else None

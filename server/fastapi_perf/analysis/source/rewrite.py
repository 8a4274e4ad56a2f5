"""Rewrites of a statement's text that keep its lines, and the way back to its columns.

When ``ast`` cannot parse a statement, it is handed a rewritten text:
syntax newer than the interpreter spelled the old way (``newer_syntax.py``),
or the broken lines blanked out (``recovery.py``). A rewrite never adds or
removes a line break, so every line number ``ast`` reports is right as it
is; only columns on the lines an edit touched need mapping back, and only
where an edit changed a line's length (``except A, B:`` gains two
parentheses, ``type X = int`` loses ``type``). A blanked character is a
space, whatever it was: the rewritten line is kept to convert ``ast``'s
UTF-8 columns on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .positions import byte_to_char

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# (start offset, end offset, replacement): the replacement holds no line break and the
# replaced text crosses none.
Edit = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Rewrite:
    """A rewritten text and the map from its columns to the text it was made from."""

    text: str
    lines: dict[int, str]
    """The rewritten lines (0-based), only those an edit touched."""
    spans: dict[int, tuple[tuple[int, int, int, int], ...]]
    """Per line, the edits that changed its length: (new start, new end, old start, old end) columns."""
    inner: Rewrite | None = None
    """The rewrite this one was applied to (recovery after the newer-syntax rewrite)."""

    def column(self, line: int, byte_column: int) -> int | None:
        """The original code-point column of ``ast``'s UTF-8 ``byte_column`` on ``line``; None if untouched."""
        text = self.line(line)
        if text is None:
            return None
        return self.original_column(line, byte_to_char(text, byte_column))

    def line(self, line: int) -> str | None:
        text = self.lines.get(line)
        if text is None and self.inner is not None:
            return self.inner.line(line)
        return text

    def original_column(self, line: int, column: int) -> int:
        """The code-point column in the original text of ``column`` in the rewritten ``line``."""
        old = column
        for new_start, new_end, old_start, old_end in self.spans.get(line, ()):
            if column < new_start:
                break
            if column < new_end:
                old = old_start + min(column - new_start, old_end - old_start)
                break
            old = old_end + column - new_end
        return self.inner.original_column(line, old) if self.inner is not None else old


def apply_edits(text: str, edits: Iterable[Edit], inner: Rewrite | None = None) -> Rewrite:
    """Apply non-overlapping edits that keep the line structure."""
    ordered = sorted(edits)
    if not ordered:
        return Rewrite(text, {}, {}, inner)
    starts = line_starts(text)
    pieces: list[str] = []
    lines: dict[int, str] = {}
    spans: dict[int, list[tuple[int, int, int, int]]] = {}
    cursor = 0
    line_index = 0
    delta = 0  # length change so far on the current line
    for start, end, replacement in ordered:
        while line_index + 1 < len(starts) and starts[line_index + 1] <= start:
            line_index += 1
            delta = 0
        base = starts[line_index]
        pieces.append(text[cursor:start])
        pieces.append(replacement)
        cursor = end
        lines[line_index] = ""  # filled below
        if len(replacement) != end - start:
            old_start, old_end = start - base, end - base
            new_start = old_start + delta
            spans.setdefault(line_index, []).append((new_start, new_start + len(replacement), old_start, old_end))
            delta += len(replacement) - (end - start)
    pieces.append(text[cursor:])
    new_text = "".join(pieces)
    new_starts = line_starts(new_text)
    for index in lines:
        begin = new_starts[index]
        stop = new_starts[index + 1] if index + 1 < len(new_starts) else len(new_text)
        brk = _LINE_BREAK.search(new_text, begin, stop)
        lines[index] = new_text[begin : brk.start() if brk else stop]
    return Rewrite(new_text, lines, {k: tuple(v) for k, v in spans.items()}, inner)


def blank(text: str, start: int, end: int, last: str = "") -> list[Edit]:
    """Edits that turn ``text[start:end]`` into spaces, keeping its line breaks.

    With ``last`` (a backslash), each line of the span but its last ends
    with it: the blanked span was inside brackets, and its lines must still
    join into one.
    """
    edits: list[Edit] = []
    pos = start
    while pos < end:
        brk = _LINE_BREAK.search(text, pos, end)
        stop = brk.start() if brk else end
        if brk is not None and last:
            edits.append((pos, stop, " " * max(stop - pos - 1, 0) + last))
        elif stop > pos:
            edits.append((pos, stop, " " * (stop - pos)))
        if brk is None:
            break
        pos = brk.end()
    return edits


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts, lines broken as ``ast`` and the LSP break them."""
    return [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

"""An open file whose statements are re-parsed only where edits land.

The text is kept as a list of chunks (top-level statements) with their
character offsets and first lines. An edit replaces the chunks it touches
with one *dirty* chunk and shifts the ones after it; ``refresh`` re-splits
only the dirty regions (plus the statement before each, whose end the edit
may have changed) and parses only the statements whose text is new.
Unchanged statements keep their parsed chunk object, so their facts and
cached findings survive, only moved.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .chunks import Chunk, parse_chunk_text
from .findings import Position
from .positions import split_lines
from .scanner import count_lines, next_starts_statement, split_statements


@dataclass(slots=True, eq=False)
class Piece:
    """A chunk's place in the text: character offsets and first line."""

    start: int
    end: int
    line: int
    breaks: int
    """Line breaks inside ``text[start:end]``."""
    chunk: Chunk | None
    """The parsed statement; None while the piece is dirty."""


class Document:
    def __init__(self, text: str, version: int = 0) -> None:
        self.version = version
        self.text = ""
        self.pieces: list[Piece] = []
        self.reparsed = 0
        """Statements parsed so far (tests use it to prove that edits re-parse little)."""
        self._recycle: dict[str, Chunk] = {}
        self._first_lines: list[int] | None = None
        self.replace_all(text)

    # -- reading -------------------------------------------------------------
    @property
    def chunks(self) -> list[Chunk]:
        self.refresh()
        return [piece.chunk for piece in self.pieces]  # type: ignore[misc]

    @property
    def line_count(self) -> int:
        last = self.pieces[-1]
        return last.line + last.breaks + 1

    def line_text(self, line: int) -> str:
        """The text of a line (0-based), without its line break; '' past the end."""
        index = self._piece_at_line(line)
        if index < 0:
            return ""
        piece = self.pieces[index]
        relative = line - piece.line
        if piece.chunk is not None:
            return piece.chunk.line(relative)
        lines = split_lines(self.text[piece.start : piece.end])
        return lines[relative] if relative < len(lines) else ""

    def offset(self, position: Position) -> int:
        """The character offset of a (line, code-point column) position, clamped to the text."""
        if position.line < 0:
            return 0
        index = self._piece_at_line(position.line)
        if index < 0:
            return len(self.text)
        piece = self.pieces[index]
        offset = piece.start
        text = self.text
        for _ in range(position.line - piece.line):
            newline = _next_break(text, offset, piece.end)
            if newline < 0:
                return piece.end
            offset = newline
        line_end = _line_end(text, offset)
        return min(offset + max(position.column, 0), line_end)

    # -- editing ---------------------------------------------------------------
    def replace_all(self, text: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        self.text = text
        self.pieces = [Piece(0, len(text), 0, count_lines(text), None)]
        self._first_lines = None

    def apply_change(self, start: Position, end: Position, new_text: str) -> None:
        """Replace the text between two positions (code points), as an LSP incremental change does."""
        a = self.offset(start)
        b = max(self.offset(end), a)
        text = self.text
        self.text = text[:a] + new_text + text[b:]
        delta = len(new_text) - (b - a)
        starts = [piece.start for piece in self.pieces]
        i = max(bisect.bisect_right(starts, a) - 1, 0)
        j = max(bisect.bisect_right(starts, b) - 1, i)
        # An insertion at the start of a piece changes that piece's first line.
        if j + 1 < len(self.pieces) and self.pieces[j].end == b:
            j += 1
        touched = self.pieces[i : j + 1]
        for piece in touched:
            if piece.chunk is not None:
                self._recycle[piece.chunk.text] = piece.chunk
        new_start = touched[0].start
        new_end = touched[-1].end + delta
        breaks = count_lines(self.text, new_start, new_end)
        old_breaks = sum(p.breaks for p in touched)
        merged = Piece(new_start, new_end, touched[0].line, breaks, None)
        line_delta = breaks - old_breaks
        for piece in self.pieces[j + 1 :]:
            piece.start += delta
            piece.end += delta
            piece.line += line_delta
            if piece.chunk is not None:
                piece.chunk.origin = piece.line
        self.pieces[i : j + 1] = [merged]
        self._first_lines = None

    def refresh(self) -> None:
        """Re-split and re-parse the dirty regions."""
        index = 0
        while index < len(self.pieces):
            if self.pieces[index].chunk is not None:
                index += 1
                continue
            index = self._resplit(index)
        self._recycle.clear()

    def _resplit(self, index: int) -> int:
        first = max(index - 1, 0)  # the statement before may now end differently
        if first < index and self.pieces[first].chunk is not None:
            self._recycle[self.pieces[first].chunk.text] = self.pieces[first].chunk
        last = index
        while last + 1 < len(self.pieces) and self.pieces[last + 1].chunk is None:
            last += 1
        text = self.text
        start = self.pieces[first].start
        end = self.pieces[last].end
        if not next_starts_statement(text, start, end):
            # An open bracket, string or decorator runs on: re-split the rest (unchanged
            # statements are recycled, not re-parsed).
            for piece in self.pieces[last + 1 :]:
                if piece.chunk is not None:
                    self._recycle[piece.chunk.text] = piece.chunk
            last = len(self.pieces) - 1
            end = len(text)
        line = self.pieces[first].line
        replacement = []
        for span in split_statements(text, start, end, line):
            span_text = text[span.start : span.end]
            chunk = self._recycle.pop(span_text, None)
            if chunk is None:
                chunk = parse_chunk_text(span_text, span.line, span.comments)
                self.reparsed += 1
            else:
                chunk.origin = span.line
            replacement.append(Piece(span.start, span.end, span.line, count_lines(span_text), chunk))
        self.pieces[first : last + 1] = replacement
        self._first_lines = None
        return first + len(replacement)

    # -- helpers ---------------------------------------------------------------
    def _piece_at_line(self, line: int) -> int:
        if self._first_lines is None:
            self._first_lines = [piece.line for piece in self.pieces]
        index = bisect.bisect_right(self._first_lines, line) - 1
        if index < 0:
            return -1
        piece = self.pieces[index]
        if line > piece.line + piece.breaks:
            return -1
        return index


def _next_break(text: str, offset: int, end: int) -> int:
    """The offset just after the next line break at or after ``offset`` (before ``end``), or -1."""
    n = text.find("\n", offset, end)
    r = text.find("\r", offset, end)
    if r >= 0 and (n < 0 or r < n):
        return r + 2 if text.startswith("\r\n", r) else r + 1
    return n + 1 if n >= 0 else -1


def _line_end(text: str, offset: int) -> int:
    n = text.find("\n", offset)
    r = text.find("\r", offset)
    candidates = [x for x in (n, r) if x >= 0]
    return min(candidates) if candidates else len(text)

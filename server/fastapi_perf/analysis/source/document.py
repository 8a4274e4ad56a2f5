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

from ..findings import Position
from .chunks import Chunk, SlowParse, parse_chunk_text
from .members import reparse_member
from .scanner import count_lines, next_starts_statement, only_blank_or_comments, split_statements, starts_after_complete


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
    def __init__(self, text: str, version: int = 0, recover: bool = True) -> None:
        self.version = version
        self.recover = recover
        """Run the slow path (newer syntax, syntax errors) while parsing; False leaves such
        statements ``pending`` for the caller to complete (``pending``, ``complete``)."""
        self.text = ""
        self.pieces: list[Piece] = []
        self.reparsed = 0
        """Statements parsed so far (tests use it to prove that edits re-parse little)."""
        self.member_reparse_min = 2000
        """Characters below which an edited class is parsed whole: re-parsing one member saves nothing there."""
        self.reparsed_members = 0
        """Statements parsed again by re-parsing one member of a class (``members.py``)."""
        self._recycle: dict[str, Chunk] = {}
        self._first_lines: list[int] | None = None
        self._anchor: tuple[int, int] | None = None
        """(line, offset) of the start of the line looked up last: edits come in runs at one
        place, so the next look-up deep inside a large unsplit region starts from here."""
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
        start = self._line_start(piece, line)
        if start < 0:
            return ""
        return self.text[start : _line_end(self.text, start, piece.end)]

    def offset(self, position: Position) -> int:
        """The character offset of a (line, code-point column) position, clamped to the text."""
        if position.line < 0:
            return 0
        index = self._piece_at_line(position.line)
        if index < 0:
            return len(self.text)
        piece = self.pieces[index]
        offset = self._line_start(piece, position.line)
        if offset < 0:
            return piece.end
        return min(offset + max(position.column, 0), _line_end(self.text, offset))

    def _line_start(self, piece: Piece, line: int) -> int:
        """The offset where ``line`` (inside ``piece``) starts, or -1."""
        start_line, start = piece.line, piece.start
        anchor = self._anchor
        if anchor is not None and start_line <= anchor[0] <= line and start <= anchor[1] <= piece.end:
            start_line, start = anchor
        offset = _skip_lines(self.text, start, piece.end, line - start_line)
        if offset >= 0 and line - start_line > 64:
            self._anchor = (line, offset)
        return offset

    # -- editing ---------------------------------------------------------------
    def replace_all(self, text: str) -> None:
        # A leading byte-order mark stays: the client counts it in line 0's columns
        # (the statement that starts with it is parsed without it, ``chunks.py``).
        self.text = text
        self.pieces = [Piece(0, len(text), 0, count_lines(text), None)]
        self._first_lines = None
        self._anchor = None

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
        # An edit can join a \r before it and a \n after it into one line break (or part
        # them): the dirty piece must hold both, or the line count goes wrong from here on.
        while i > 0 and _splits_crlf(self.text, self.pieces[i].start):
            i -= 1
        while j + 1 < len(self.pieces) and _splits_crlf(self.text, self.pieces[j].end + delta):
            j += 1
        touched = self.pieces[i : j + 1]
        for piece in touched:
            if piece.chunk is not None:
                self._recycle[piece.chunk.text] = piece.chunk
        new_start = touched[0].start
        new_end = touched[-1].end + delta
        old_breaks = sum(p.breaks for p in touched)
        # Count only around the edit (one character more on each side, so that a \r\n
        # joined or parted by it counts right): the rest of the touched pieces did not
        # change, and a large unsplit region would cost a full scan on every keystroke.
        breaks = (
            old_breaks
            - count_lines(text, max(a - 1, 0), b + 1)
            + count_lines(self.text, max(a - 1, 0), a + len(new_text) + 1)
        )
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
        anchor = self._anchor
        if anchor is not None and anchor[1] >= a:
            # Still a line start if nothing at or before it changed (edits after it), or
            # everything that did lies well before it (then it moves with the text).
            self._anchor = (anchor[0] + line_delta, anchor[1] + delta) if anchor[1] >= b + 2 else None

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
        last = index
        while last + 1 < len(self.pieces) and self.pieces[last + 1].chunk is None:
            last += 1
        first = max(index - 1, 0)  # the statement before may now end differently ...
        before = self.pieces[first].chunk
        start = self.pieces[index].start
        if first < index and before is not None and not before.broken and self.pieces[last].end > start:
            if starts_after_complete(self.text, start):
                first = index  # ... unless it is complete and the edited text starts a statement of its own
        if first < index and self.pieces[first].chunk is not None:
            self._recycle[self.pieces[first].chunk.text] = self.pieces[first].chunk
        text = self.text
        start = self.pieces[first].start
        end = self.pieces[last].end
        # Comments and blank lines at the top of the file belong to the first statement
        # (as a fresh split has it): an edit that leaves only those takes the next one in.
        while start == 0 and last + 1 < len(self.pieces) and only_blank_or_comments(text, start, end):
            last += 1
            if self.pieces[last].chunk is not None:
                self._recycle[self.pieces[last].chunk.text] = self.pieces[last].chunk
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
                chunk = self._edited_member(span_text, span.line, span.comments)
            if chunk is None:
                chunk = parse_chunk_text(span_text, span.line, span.comments, self.recover)
                self.reparsed += 1
            else:
                chunk.origin = span.line
            replacement.append(Piece(span.start, span.end, span.line, count_lines(span_text), chunk))
        self.pieces[first : last + 1] = replacement
        self._first_lines = None
        return first + len(replacement)

    def _edited_member(self, text: str, line: int, comments: tuple) -> Chunk | None:
        """A class edited inside one member, parsed by re-parsing that member (``members.py``)."""
        for old in self._recycle.values():
            if old.origin == line and len(old.text) >= self.member_reparse_min:
                chunk = reparse_member(old, text, line, comments)
                if chunk is not None:
                    self.reparsed_members += 1
                    return chunk
        return None

    def pending(self) -> list[Chunk]:
        """Statements ``ast`` rejected whose slow path has not run (only with ``recover=False``)."""
        if self.recover:
            return []
        return [chunk for chunk in self.chunks if chunk.pending is not None]

    def complete(self, chunk: Chunk, slow: SlowParse) -> bool:
        """Put the slow path's result for ``chunk`` in its place; False if the chunk is gone."""
        for piece in self.pieces:
            if piece.chunk is chunk:
                piece.chunk = chunk.completed(slow)
                piece.chunk.origin = piece.line
                return True
        if self._recycle.get(chunk.text) is chunk:  # an edit is waiting to re-split around it
            self._recycle[chunk.text] = chunk.completed(slow)
            return True
        return False

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


def _splits_crlf(text: str, offset: int) -> bool:
    return 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n"


def _next_break(text: str, offset: int, end: int) -> int:
    """The offset just after the next line break at or after ``offset`` (before ``end``), or -1."""
    n = text.find("\n", offset, end)
    r = text.find("\r", offset, n if n >= 0 else end)  # only up to the \n: each call costs one line
    if r >= 0:
        return r + 2 if text.startswith("\r\n", r) else r + 1
    return n + 1 if n >= 0 else -1


_BLOCK = 1 << 14


def _skip_lines(text: str, offset: int, end: int, count: int) -> int:
    """The offset just after the ``count``-th line break from ``offset`` (before ``end``), or -1.

    Breaks are counted a block at a time in C and only the last block line by
    line: a position deep inside a large region that was never split into
    statements (a file over ``max-file-size`` is never analysed) costs one
    scan, not a Python step per line for every change the client sends.
    """
    returns = count > 0 and text.find("\r", offset, end) >= 0  # one fast scan, then count \n only
    while count > 0:
        block_end = min(offset + _BLOCK, end)
        if block_end < end and text[block_end - 1] == "\r" and text[block_end] == "\n":
            block_end += 1  # keep a \r\n pair in one block
        in_block = count_lines(text, offset, block_end) if returns else text.count("\n", offset, block_end)
        if in_block < count and block_end < end:
            count -= in_block
            offset = block_end
            continue
        for _ in range(count):
            offset = _next_break(text, offset, end)
            if offset < 0:
                return -1
        return offset
    return offset


def _line_end(text: str, offset: int, end: int | None = None) -> int:
    """The offset of the line break that ends the line at ``offset`` (or ``end``)."""
    if end is None:
        end = len(text)
    n = text.find("\n", offset, end)
    r = text.find("\r", offset, n if n >= 0 else end)
    if r >= 0:
        return r
    return n if n >= 0 else end

"""Chunks: top-level statements parsed and summarised one at a time.

Which parser sees which text (see docs/architecture.md):

- ``ast`` parses the statement as it is: the fast path, taken by every
  statement the running Python accepts;
- if it rejects it, the syntax newer than the running Python is rewritten
  (``newer_syntax.py``) and ``ast`` parses that;
- if that fails too, the statement has a real syntax error: parso's
  recovered tree says which of its statements are broken, and ``ast``
  parses the text with those blanked (``recovery.py``).

The last two are the *slow path*. The server runs it in a worker thread
(``parse_chunk_text(..., recover=False)`` leaves the chunk ``pending``),
the command line inline.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass

from ..findings import Position, Range
from .extract import extract
from .facts import ChunkFacts
from .newer_syntax import Construct, downlevel
from .positions import byte_to_char, split_lines
from .recovery import recover
from .rewrite import Rewrite
from .scanner import Comment, Span, directive_comments, split_statements

_PARSE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError)


@dataclass(slots=True, frozen=True)
class SyntaxProblem:
    message: str
    range: Range
    """Relative to the chunk origin."""


@dataclass(slots=True, eq=False)
class Chunk:
    """One top-level statement (or, after a syntax error, a span of text).

    ``origin`` is the absolute line that ``ast`` calls line 1; ``lines`` with
    ``line_base`` give the text of a line relative to the origin.
    """

    origin: int
    statements: list[ast.stmt]
    facts: ChunkFacts | None
    lines: list[str] | None
    """Split on first use: most statements never need a line's text."""
    line_base: int = 0
    text: str = ""
    comments: tuple[Comment, ...] = ()
    syntax: SyntaxProblem | None = None
    findings: list | None = None
    """The incremental analysis's cache of this statement's findings (relative to the origin); None: not checked."""
    assembled: tuple | None = None
    """Cache of ``assemble_chunk``: (key, source findings, absolute findings)."""
    signatures: dict | None = None
    """Cache of the module-level binding signatures this statement defines."""
    bom: bool = False
    """The text starts with a byte-order mark that ``ast`` did not see: columns on line 0 shift by one."""
    mentions: int = -1
    """Which of ``named_calls.WORDS`` its text mentions, as bits; -1 until asked."""
    anchors: dict | None = None
    """The incremental analysis's note of where its cached findings point: anchor name -> text of the statement
    it names, when the findings were computed (``incremental.py`` re-checks if that text changed)."""
    rewrite: Rewrite | None = None
    """The text ``ast`` parsed when it was not the statement's own: maps its columns back."""
    constructs: tuple[Construct, ...] = ()
    """Syntax newer than the running Python that the statement uses (rewritten for ``ast``)."""
    unknown: tuple[tuple[int, int], ...] = ()
    """Lines (relative, first and last) blanked as broken: the facts say nothing about them."""
    pending: BaseException | None = None
    """``ast``'s error, while the slow path has not run yet (the server runs it off the event loop)."""

    def line(self, relative: int) -> str:
        index = self.line_base + relative
        lines = self.lines
        if lines is None:
            lines = self.lines = split_lines(self.text)
        return lines[index] if 0 <= index < len(lines) else ""

    def position(self, lineno: int, col_offset: int) -> "Position":
        """Convert an ``ast`` (1-based line, UTF-8 byte column) to a relative position."""
        line = lineno - 1
        rewrite = self.rewrite
        if rewrite is not None:
            column = rewrite.column(line, col_offset)
            if column is not None:
                return Position(line, column + 1 if self.bom and line == 0 else column)
        if self.bom and line == 0:
            return Position(0, 1 + byte_to_char(self.line(0)[1:], col_offset))
        return Position(line, byte_to_char(self.line(line), col_offset))

    def node_range(self, node: ast.AST) -> Range:
        start = self.position(node.lineno, node.col_offset)
        end_line = getattr(node, "end_lineno", None) or node.lineno
        end_col = getattr(node, "end_col_offset", None)
        end = self.position(end_line, end_col) if end_col is not None else start
        return Range(start, end)

    @property
    def first_line(self) -> int:
        return self.facts.first_line if self.facts is not None else 0

    @property
    def broken(self) -> bool:
        """A syntax error (or one not looked at yet): the statement may run into the next."""
        return self.syntax is not None or self.pending is not None

    def problem(self, target: tuple[int, int] | None) -> SyntaxProblem | None:
        """Its first syntax error for Python ``target``: a real one, or syntax newer than ``target``."""
        found = self.syntax
        if target is not None:
            for construct in self.constructs:
                if construct.version > target:
                    if found is None or construct.range.start < found.range.start:
                        found = SyntaxProblem(_too_new(construct, target), construct.range)
                    break
        return found

    def completed(self, slow: SlowParse) -> Chunk:
        """A new chunk for this text with the slow path's result (a new object: analyses compare identities)."""
        chunk = Chunk(self.origin, [], None, self.lines, self.line_base, self.text, self.comments, bom=self.bom)
        slow.apply(chunk)
        return chunk


@dataclass(frozen=True, slots=True)
class SlowParse:
    """What the slow path found for a statement ``ast`` rejected as it stood."""

    statements: list[ast.stmt]
    facts: ChunkFacts | None
    syntax: SyntaxProblem | None
    rewrite: Rewrite | None
    constructs: tuple[Construct, ...]
    unknown: tuple[tuple[int, int], ...]

    def apply(self, chunk: Chunk) -> None:
        chunk.statements, chunk.facts, chunk.syntax = self.statements, self.facts, self.syntax
        chunk.rewrite, chunk.constructs, chunk.unknown = self.rewrite, self.constructs, self.unknown
        chunk.pending = None


def parse_chunk_text(text: str, origin: int, comments: tuple[Comment, ...] = (), recover: bool = True) -> Chunk:
    """Parse one span of source on its own (the server's unit of re-parsing).

    With ``recover=False`` a statement ``ast`` rejects is left ``pending``
    (no facts yet) for ``slow_parse``.
    """
    chunk = Chunk(origin, [], None, None, 0, text, comments)
    source = text
    if text.startswith("\ufeff"):  # the editor keeps a byte-order mark in its text; ``ast`` rejects it
        source, chunk.bom = text[1:], True
    try:
        tree = _parse(source)
    except _PARSE_ERRORS as error:
        if recover:
            slow_parse(text, error).apply(chunk)
        else:
            chunk.pending = error
        return chunk
    chunk.statements = tree.body
    chunk.facts = _extract(tree.body)
    return chunk


def slow_parse(text: str, error: BaseException) -> SlowParse:
    """The slow path for a statement's ``text``, which ``ast`` rejected with ``error``.

    A pure function of its arguments: the server calls it in a worker thread.
    """
    bom = text.startswith("\ufeff")
    source = text[1:] if bom else text
    lines = split_lines(source)
    try:
        down = downlevel(source) if isinstance(error, SyntaxError) else None
    except RecursionError:  # f-strings nested thousands deep
        down = None
    rewrite = None
    constructs: tuple[Construct, ...] = ()
    if down is not None:
        rewrite, constructs = down.rewrite, down.constructs
        try:
            tree = _parse(rewrite.text)
        except _PARSE_ERRORS as again:
            error = again
        else:
            return SlowParse(tree.body, _extract(tree.body), None, rewrite, constructs, ())
    problem = _syntax_problem(error, lines, bom, rewrite)
    try:
        recovered = recover(rewrite.text if rewrite is not None else source, error, rewrite)
    except (RecursionError, MemoryError):
        recovered = None
    if recovered is None:
        return SlowParse([], None, problem, rewrite, constructs, ())
    body = recovered.tree.body
    return SlowParse(body, _extract(body), problem, recovered.rewrite, constructs, recovered.unknown)


def _parse(source: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source)


def _extract(statements: list[ast.stmt]) -> ChunkFacts | None:
    try:
        return extract(statements)
    except RecursionError:
        return None


def _too_new(construct: Construct, target: tuple[int, int]) -> str:
    old = ".".join(map(str, target))
    new = ".".join(map(str, construct.version))
    return f"SyntaxError: Cannot use {construct.what} on Python {old} (syntax was added in Python {new})"


def parse_module(text: str) -> list[Chunk]:
    """Parse a whole file: in one go when it is valid, chunk by chunk when it is not.

    One ``ast.parse`` of the file is faster than parsing its statements one
    by one; only a file with a syntax error pays for the scanner, and then
    every statement around the error is still analysed.
    """
    lines = split_lines(text)
    try:
        tree = _parse(text)
    except _PARSE_ERRORS:
        tree = None
    if tree is None:
        return [_span_chunk(text, span, lines) for span in split_statements(text)]
    comments = directive_comments(text)
    by_line: dict[int, list[Comment]] = {}
    for comment in comments:
        by_line.setdefault(comment.line, []).append(comment)
    chunks: list[Chunk] = []
    body = tree.body
    for index, statement in enumerate(body):
        end = body[index + 1].lineno - 1 if index + 1 < len(body) else len(lines)
        decorators = getattr(statement, "decorator_list", None)
        start = (decorators[0].lineno if decorators else statement.lineno) - 1
        if index == 0:
            start = 0
        if index + 1 < len(body):
            nxt = body[index + 1]
            nxt_decorators = getattr(nxt, "decorator_list", None)
            end = (nxt_decorators[0].lineno if nxt_decorators else nxt.lineno) - 1
        chunk_comments = tuple(
            Comment(c.line, c.column, c.text) for line in range(start, end) for c in by_line.get(line, ())
        )
        facts = _extract([statement])
        chunks.append(
            Chunk(0, [statement], facts, lines, 0, "", chunk_comments)
        )
    if not chunks:
        chunks.append(Chunk(0, [], extract([]), lines, 0, "", comments))
    return chunks


def release_chunks(chunks: list[Chunk]) -> None:
    """Break the reference cycles of statements nothing uses any more (see ``ModuleContext.release``)."""
    for chunk in chunks:
        facts = chunk.facts
        if facts is None:
            continue
        for fn in facts.functions:
            fn.calls = []  # each call points back at its function
            fn.parent = None
            fn.owner = None
            fn.nested = []
        for klass in facts.classes:
            klass.methods = {}
            klass.instance_attrs = {}


def _span_chunk(text: str, span: Span, lines: list[str]) -> Chunk:
    chunk = parse_chunk_text(text[span.start : span.end], span.line, span.comments)
    chunk.lines, chunk.line_base = lines, span.line  # share the file's lines
    return chunk


# Python names lines relative to what it parsed (one statement, which moves as
# lines are added above it): "(detected at line 3)", "... definition on line 2".
_DETECTED_AT = re.compile(r"\s*\(detected at line \d+\)|\s+on line \d+(?=\)|$)")


def _syntax_problem(error: BaseException, lines: list[str], bom: bool = False, rewrite: Rewrite | None = None) -> SyntaxProblem:
    if isinstance(error, SyntaxError):
        line = max((error.lineno or 1) - 1, 0)
        column = max((error.offset or 1) - 1, 0)
        if rewrite is not None:  # ``error`` is about the rewritten text
            column = rewrite.original_column(line, column)
        text = lines[line] if line < len(lines) else ""
        column = min(column, len(text))
        if bom and line == 0:  # ``lines`` lack the byte-order mark the document has
            text, column = "\ufeff" + text, column + 1
        # The range carries the real position: drop the statement-relative line numbers.
        message = _DETECTED_AT.sub("", error.msg or "invalid syntax")
        if isinstance(error, IndentationError):
            message = f"IndentationError: {message}"
        start = Position(line, column)
        end = Position(line, min(column + 1, len(text))) if column < len(text) else start
        return SyntaxProblem(f"SyntaxError: {message}", Range(start, end))
    if isinstance(error, (RecursionError, MemoryError)):  # CPython's parser gives up with an empty MemoryError
        return SyntaxProblem("SyntaxError: statement nested too deeply to analyse", Range(Position(0, 0), Position(0, 0)))
    return SyntaxProblem(f"SyntaxError: {error}", Range(Position(0, 0), Position(0, 0)))

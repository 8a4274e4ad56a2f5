"""Re-parse one member of a class: a keystroke in a method costs the method, not the class.

A class is one chunk (``chunks.py``), so an edit in one method of a
4,000-line class ran ``ast.parse`` over the whole class (docs/performance.md).
When an edit changes only lines of one statement directly in a class body
(a method, usually) and keeps the number of line breaks, ``reparse_member``
parses those lines alone, after a stand-in ``class _:`` header and a ``pass``
at the body's indentation on the two lines above and blank lines before them,
so that ``ast`` reports the lines and columns the whole class would; the class node is copied with the new statements in
place of the old one and the other members' nodes are kept (nothing mutates
a parsed node; ``release_chunks`` breaks cycles in facts, not trees).

Why the result is the tree a fresh parse gives (the tests compare them):
where a member starts its line, the tokenizer's state depends only on the
text before it (no open bracket, the class body's indentation), which the
edit did not touch; a member that parses alone under the stand-in header
ends by its last line, and what follows it (the next member, or blank lines
and comments) is unchanged text at the body's indentation or less.
Anything else returns None and the caller parses the whole statement: the
header or the text between members changed, a line break was added or
removed, or the old chunk was not a plain ``ast`` parse (the slow path, a
byte-order mark, ``\\r`` line breaks).
"""

from __future__ import annotations

import ast
import copy
import warnings

from .chunks import Chunk
from .extract import extract
from .scanner import Comment


def reparse_member(old: Chunk, text: str, origin: int, comments: tuple[Comment, ...] = ()) -> Chunk | None:
    """``text``, an edited version of ``old``'s, parsed by re-parsing one class member; None if that cannot be exact."""
    if not _plain(old) or "\r" in text:
        return None
    klass = old.statements[0]
    old_text = old.text
    prefix, suffix = _common_ends(old_text, text)
    old_middle = old_text[prefix : len(old_text) - suffix]
    new_middle = text[prefix : len(text) - suffix]
    breaks = old_middle.count("\n")
    if new_middle.count("\n") != breaks:
        return None
    first = old_text.count("\n", 0, prefix)  # 0-based lines the edit touches, the same in both texts
    last = first + breaks
    index = _member_at(klass, first, last, old_text)
    if index is None:
        return None
    member = klass.body[index]
    start_line = _start_line(member)
    if start_line < 2:
        return None  # no room above it for the stand-in header and first statement
    start = _line_offset(text, start_line)
    end = text.find("\n", _line_offset(text, member.end_lineno - 1))
    end = len(text) if end < 0 else end + 1
    # The class body's indentation, as the statements before this one set it: without it the
    # member's first line would set its own (an edit that indents it by one more space parses).
    old_start = _line_offset(old_text, start_line)
    old_end = old_text.find("\n", old_start)
    line = old_text[old_start : len(old_text) if old_end < 0 else old_end]
    indent = line[: len(line) - len(line.lstrip())]
    source = "\n" * (start_line - 2) + "class _:\n" + indent + "pass\n" + text[start:end]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if len(tree.body) != 1 or type(tree.body[0]) is not ast.ClassDef:
        return None
    replacement = tree.body[0].body[1:]
    if not replacement:
        return None
    spliced = copy.copy(klass)
    spliced.body = klass.body[:index] + replacement + klass.body[index + 1 :]
    tail = spliced.body[-1]
    spliced.end_lineno, spliced.end_col_offset = tail.end_lineno, tail.end_col_offset
    try:
        facts = extract([spliced])
    except RecursionError:
        return None
    return Chunk(origin, [spliced], facts, None, 0, text, comments)


def _plain(chunk: Chunk) -> bool:
    """A chunk ``ast`` parsed as it stood, that is one class statement."""
    return (
        chunk.facts is not None
        and len(chunk.statements) == 1
        and type(chunk.statements[0]) is ast.ClassDef
        and chunk.syntax is None
        and chunk.pending is None
        and chunk.rewrite is None
        and not chunk.unknown
        and not chunk.bom
        and bool(chunk.text)
        and "\r" not in chunk.text
    )


def _member_at(klass: ast.ClassDef, first: int, last: int, text: str) -> int | None:
    """The body statement whose whole lines hold lines ``first`` to ``last`` alone, or None."""
    body = klass.body
    for index, member in enumerate(body):
        start = _start_line(member)
        if start > first:
            return None
        end = member.end_lineno - 1
        if last > end:
            continue
        if index > 0 and body[index - 1].end_lineno - 1 >= start:
            return None  # shares a line with the statement before (``x = 1; y = 2``)
        if index + 1 < len(body) and _start_line(body[index + 1]) <= end:
            return None
        if start <= klass.lineno - 1:
            return None  # on the header's line (``class A: x = 1``)
        if not _starts_its_line(member, text, _line_offset(text, start)):
            return None  # the header ends on this line (``class A(\n    B): x = 1``)
        return index
    return None


def _start_line(member: ast.stmt) -> int:
    decorators = getattr(member, "decorator_list", None)
    return (decorators[0].lineno if decorators else member.lineno) - 1


def _starts_its_line(member: ast.stmt, text: str, line_start: int) -> bool:
    """Only indentation comes before the statement (or its first decorator's ``@``) on its first line."""
    end = text.find("\n", line_start)
    line = text[line_start : len(text) if end < 0 else end]
    indent = len(line) - len(line.lstrip())
    if getattr(member, "decorator_list", None):
        return line[indent : indent + 1] == "@"
    return indent == member.col_offset  # indentation is ASCII: its bytes are its characters


def _line_offset(text: str, line: int) -> int:
    offset = 0
    for _ in range(line):
        offset = text.index("\n", offset) + 1
    return offset


def _common_ends(a: str, b: str) -> tuple[int, int]:
    """Lengths of the common prefix and suffix of two strings that do not overlap in either."""
    limit = min(len(a), len(b))
    low, high = 0, limit
    while low < high:  # binary search on slices: compared in C
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    prefix = low
    low, high = 0, limit - prefix
    while low < high:
        mid = (low + high + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            low = mid
        else:
            high = mid - 1
    return prefix, low

"""A statement with a syntax error, analysed except for its broken lines.

While a function is being typed, one of its statements is usually broken
(``x = compute(`` before the bracket is closed). ``ast`` then rejects the
whole top-level statement, and every finding of the function (of a whole
class, for a method) would vanish until the next keystroke that mends it.

parso parses with error recovery: its tree keeps the valid statements of a
suite around an ``error_node``. That tree decides what is broken, and
``ast`` is handed the text with the broken statement blanked, so that the
facts of everything else come from the same extractor, at their exact
positions (blanking keeps every line and column):

1. ``ast`` names an error position; the statement of parso's tree around it
   (a child of a suite) is blanked to ``0``, a statement that keeps its
   block non-empty, or, when it was the header of a block whose body
   follows (``if x`` without its colon), to ``if 1:``, which keeps the body;
2. ``ast`` parses again; a new error inside what was blanked widens the
   blank to the enclosing statement, up to the top-level statement itself,
   which is then left without facts, as before.

A long statement (a class of thousands of lines) is not parsed whole by
parso, which costs about ten times ``ast``'s time: the member definition
around the error is, on its own.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass

from .rewrite import Edit, Rewrite, apply_edits, blank, line_starts

MAX_ROUNDS = 12
WINDOW_LINES = 200
"""Statements longer than this are searched with parso one member definition at a time."""
_HEADERS = frozenset(("if", "elif", "else", "for", "while", "with", "try", "except", "finally"))
_DEFINITION = re.compile(r"[ \t]+(?:async[ \t]+def|def|class)[ \t]|[ \t]+@")
_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError)
_HEADER_LINE = re.compile(r"^expected an indented block after .* on line (\d+)$")


@dataclass(frozen=True, slots=True)
class Recovered:
    tree: ast.Module
    rewrite: Rewrite
    unknown: tuple[tuple[int, int], ...]
    """The blanked lines (first, last; 0-based, inclusive): what the facts know nothing about."""


def grammar():
    """parso's grammar of the running Python, the one ``ast`` parses.

    ``load_grammar`` caches its grammars: jedi, which loads the same one for
    the interpreter it runs on, shares this object.
    """
    import parso

    return parso.load_grammar()


def parse(text: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)


def recover(text: str, error: BaseException, inner: Rewrite | None = None) -> Recovered | None:
    """``text`` (which ``ast`` rejected with ``error``) parsed with its broken statements blanked."""
    if not isinstance(error, SyntaxError) or isinstance(error, (RecursionError, MemoryError)):
        return None
    locator = _Locator(text)
    regions: list[_Region] = []
    current = Rewrite(text, {}, {})
    try:
        for _ in range(MAX_ROUNDS):
            line = min(max((error.lineno or 1) - 1, 0), locator.lines - 1)
            column = current.original_column(line, max((error.offset or 1) - 1, 0))
            header = _HEADER_LINE.search(error.msg or "")
            if header is not None:  # what is broken is the block's header, not the line after it
                line = min(int(header.group(1)) - 1, locator.lines - 1)
                column = _indent(text, locator.starts[line]) or 0
            region = locator.region(line, column, regions, error.msg)
            if region is None:
                return None
            regions = [r for r in regions if not region.covers(r)] + [region]
            current = apply_edits(text, [edit for r in regions for edit in r.edits])
            try:
                tree = parse(current.text)
            except _ERRORS as again:
                if not isinstance(again, SyntaxError):
                    return None
                error = again
                continue
            if all(_is_placeholder(statement) for statement in tree.body):
                return None  # all of it was broken
            unknown = tuple(sorted((r.first, r.last) for r in regions if r.end > r.start))
            return Recovered(tree, Rewrite(current.text, current.lines, current.spans, inner), unknown)
    except (RecursionError, MemoryError):
        return None
    finally:
        locator.release()
    return None


@dataclass(frozen=True, slots=True)
class _Region:
    first: int
    last: int
    start: int
    end: int
    edits: tuple[Edit, ...]

    def covers(self, other: _Region) -> bool:
        return self.start <= other.start and other.end <= self.end

    def strictly_covers(self, other: _Region) -> bool:
        return self.covers(other) and (self.start, self.end) != (other.start, other.end)

    def disjoint(self, other: _Region) -> bool:
        if self.start == self.end:  # an insertion
            return not other.start < self.start < other.end
        return self.end <= other.start or other.end <= self.start


class _Locator:
    """Finds the statement of parso's recovered tree around a position, and what to put in its place."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = line_starts(text)
        self.lines = len(self.starts)
        self._trees: dict[tuple[int, int], object] = {}

    def region(self, line: int, column: int, taken: list[_Region], message: str = "") -> _Region | None:
        """The smallest statement around the position whose blanking is new: it covers what was tried."""
        if message == "expected ':'":  # a block's header typed up to its colon: add the colon, keep the line
            at = min(self.starts[line] + column, self._line_end(line))
            colon = _Region(line, line, at, at, ((at, at, ":"),))
            if colon not in taken and all(colon.disjoint(r) for r in taken):
                return colon
        # A window holds one member: it cannot tell which indentation its lines should have.
        window = self._window(line) if self.lines > WINDOW_LINES and "indent" not in message else None
        for bounds in ([window] if window is not None else []) + [(0, self.lines)]:
            node = _statement(self._tree(bounds), (line - bounds[0] + 1, column))
            while node is not None:
                region = self._region_of(node, bounds[0])
                if region is not None and all(region.disjoint(r) or region.strictly_covers(r) for r in taken):
                    return region
                node = _enclosing(node)
        return None

    # -- parso trees ---------------------------------------------------------------
    def _tree(self, bounds: tuple[int, int]):
        module = self._trees.get(bounds)
        if module is None:
            first, last = bounds
            end = self.starts[last] if last < self.lines else len(self.text)
            module = self._trees[bounds] = grammar().parse(self.text[self.starts[first] : end], error_recovery=True, cache=False)
        return module

    def _window(self, line: int) -> tuple[int, int] | None:
        """The lines of the member definition (a method, a nested class) around ``line``.

        Upwards, the nearest ``def``, ``class`` or decorator indented less
        than every line between it and ``line``; downwards, up to the next
        line indented no deeper than it. A guess (a string's lines may be
        indented anyhow): ``ast`` judges what the blanking gives.
        """
        text, starts = self.text, self.starts
        lowest = None
        first = None
        for number in range(min(line, self.lines - 1), 0, -1):
            indent = _indent(text, starts[number])
            if indent is None or (lowest is not None and indent >= lowest):
                continue
            if indent == 0:
                return None
            lowest = indent
            if _DEFINITION.match(text, starts[number]):
                first = number
                break
        if first is None or lowest is None:
            return None
        while first > 1 and _indent(text, starts[first - 1]) == lowest and text.startswith("@", starts[first - 1] + lowest):
            first -= 1
        last = line + 1
        while last < self.lines:
            indent = _indent(text, starts[last])
            if indent is not None and indent <= lowest:
                break
            last += 1
        return (first, last) if last - first < self.lines // 2 else None

    # -- what replaces a statement -----------------------------------------------
    def _region_of(self, node, offset: int) -> _Region | None:
        """The edits that blank ``node`` (positions of a tree whose line 1 is ``offset``).

        Statements sharing its lines go with it (``x = "abc`` is three
        children of the suite in parso's tree); so does a body indented under
        it when it is a definition's header, or under nothing.
        """
        first_node = last_node = node
        before = node.get_previous_sibling()
        while before is not None and _is_statement(before) and before.end_pos[1] and before.end_pos[0] == first_node.start_pos[0]:
            first_node, before = before, before.get_previous_sibling()
        after = node.get_next_sibling()
        while after is not None and _is_statement(after) and last_node.end_pos[1] and after.start_pos[0] == last_node.end_pos[0]:
            last_node, after = after, after.get_next_sibling()
        column = first_node.start_pos[1]
        sibling = self._sibling(first_node, offset)
        first_line = first_node.start_pos[0] - 1 + offset
        line_start = self.starts[first_line]
        start = line_start + column
        misplaced = sibling is not None and sibling.start_pos[1] != column and not self.text[line_start:start].strip()
        base = sibling.start_pos[1] if misplaced else column  # the indentation it should have
        header = _is_header(first_node)
        following = _next_statement(last_node)
        last_line = last_node.end_pos[0] - (0 if last_node.end_pos[1] else 1)
        body_follows = following is not None and following.start_pos[0] > last_line and following.start_pos[1] > base
        if body_follows and not header:
            while following is not None and following.start_pos[1] > base:
                last_node, following = following, _next_statement(following)
        end_line, end_column = last_node.end_pos
        end_line = end_line - 1 + offset
        if end_column == 0 and end_line > first_line:
            end_line -= 1
            end = self._line_end(end_line)
        elif end_line < self.lines:
            end = self._line_end(end_line)  # nothing else starts on its last line: the rest of it goes too
        else:
            end_line, end = self.lines - 1, len(self.text)
        if end <= start:
            return None
        indent = ""
        if misplaced:  # the placeholder takes the indentation of the suite's statements
            sibling_start = self.starts[sibling.start_pos[0] - 1 + offset]
            start, indent = line_start, self.text[sibling_start : sibling_start + sibling.start_pos[1]]
        placeholder = indent + ("if 1:" if header and body_follows else "0")
        edits = blank(self.text, start, end)
        stop = edits[0][1]
        edits[0] = (start, stop, placeholder.ljust(stop - start))
        return _Region(first_line, end_line, start, end, tuple(edits))

    def _sibling(self, node, offset: int):
        """Another statement of ``node``'s suite that starts its line: its indentation is the suite's."""
        for sibling in node.parent.children:
            if sibling is node or not _is_statement(sibling):
                continue
            line, column = sibling.start_pos
            start = self.starts[line - 1 + offset]
            if not self.text[start : start + column].strip():
                return sibling
        return None

    def release(self) -> None:
        """Free parso's trees now: parent and child point at each other, and the server collects
        such cycles only when the editor is idle (every keystroke in a broken function made one)."""
        for module in self._trees.values():
            stack = [module]
            while stack:
                node = stack.pop()
                children = getattr(node, "children", None)
                if children:
                    stack.extend(children)
                    node.children = []
        self._trees.clear()

    def _line_end(self, line: int) -> int:
        end = self.starts[line + 1] if line + 1 < self.lines else len(self.text)
        while end > self.starts[line] and self.text[end - 1] in "\r\n":
            end -= 1
        return end


def _statement(module, position: tuple[int, int]):
    """The child of a suite (or of the module) that holds ``position``."""
    try:
        leaf = module.get_leaf_for_position(position, include_prefixes=True)
    except ValueError:  # past parso's end: its lines end at a lone ``\r`` too, ``ast``'s error at the last one
        leaf = None
    if leaf is None:
        leaf = module.get_last_leaf()
    if leaf.type == "endmarker":
        leaf = leaf.get_previous_leaf() or leaf
    node = leaf
    while node.parent is not None and node.parent.type not in ("suite", "file_input"):
        node = node.parent
    if _is_statement(node):
        return node
    if node.type == "newline":
        before = node.get_previous_sibling()
        if before is not None and _is_statement(before):
            return before  # the line break after a statement
    return _next_statement(node)  # an unexpected indent: the statement after it


def _next_statement(node):
    node = node.get_next_sibling()
    while node is not None and not _is_statement(node):
        node = node.get_next_sibling()
    return node if node is not None and node.type != "endmarker" else None


def _is_statement(node) -> bool:
    return node.type not in ("newline", "endmarker") and not _is_indent(node)


def _enclosing(node):
    """The statement that contains ``node``'s suite."""
    parent = node.parent
    if parent is None or parent.type == "file_input":
        return None
    node = parent
    while node.parent is not None and node.parent.type not in ("suite", "file_input"):
        node = node.parent
    return node


def _is_indent(node) -> bool:
    return node.type == "error_leaf" and node.token_type in ("INDENT", "DEDENT", "ERROR_DEDENT")


def _is_header(node) -> bool:
    """A block's header that ``if 1:`` can stand in for: its body is kept (not a definition's)."""
    leaf = node.get_first_leaf()
    if leaf.value == "async":
        following = leaf.get_next_leaf()
        return following is not None and following.value in ("for", "with")
    return leaf.value in _HEADERS


def _is_placeholder(statement: ast.stmt) -> bool:
    return type(statement) is ast.Expr and type(statement.value) is ast.Constant and statement.value.value == 0


def _indent(text: str, start: int) -> int | None:
    """The indentation of the line at ``start``; None for a blank or comment line."""
    pos = start
    while pos < len(text) and text[pos] in " \t\f":
        pos += 1
    if pos >= len(text) or text[pos] in "#\r\n":
        return None
    return pos - start

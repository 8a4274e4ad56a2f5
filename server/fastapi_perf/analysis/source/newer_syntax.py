"""Syntax newer than the running interpreter, spelled so that its ``ast`` parses it.

fastapi-perf runs on Python 3.10 and later; the code it reads may be
written for a newer Python. Nothing on 3.11 parses ``except A, B:`` (3.14),
and parso's 3.14 grammar does not know it either, nor ``type X = ...``,
nor PEP 701 f-strings. So a statement ``ast`` rejects is lexed here
(strings, f-strings as PEP 701 nests them, brackets, names) and the
constructs newer than the interpreter are rewritten in place, keeping every
line, into text whose facts are the same:

- ``except A, B:`` -> ``except (A, B):`` (3.14, PEP 758);
- ``except* E:`` -> ``except  E:`` (3.11, PEP 654);
- ``class C[T]:`` / ``def f[T](x: T)`` -> the type parameters blanked (3.12,
  PEP 695; defaults, 3.13, PEP 696);
- ``type X[T] = V`` -> ``X = V`` (3.12): a module-level alias, as before;
- an f-string whose replacement fields hold what only PEP 701 allows (the
  same quotes, backslashes, comments, line breaks), and any t-string (3.14,
  PEP 750) -> a tuple of its expressions, ``( a, b,)``, each at its column:
  the calls and names inside are what rules read;
- ``tuple[*Ts]`` and ``*args: *Ts`` -> the star blanked (3.11, PEP 646).

Each rewrite is recorded with the Python version that introduced it, so
that the caller can report syntax the project's target version lacks.
"""

from __future__ import annotations

import bisect
import keyword
import re
import sys
from dataclasses import dataclass

from ..findings import Position, Range
from .rewrite import Edit, Rewrite, apply_edits, blank, line_starts

RUNNING = sys.version_info[:2]


@dataclass(frozen=True, slots=True)
class Construct:
    """One use of syntax newer than the interpreter."""

    version: tuple[int, int]
    what: str
    """How a message names it: "type parameter lists"."""
    range: Range
    """Where it is, in code points, relative to the statement."""


@dataclass(frozen=True, slots=True)
class Downlevelled:
    rewrite: Rewrite
    constructs: tuple[Construct, ...]


# Cheap tests before lexing: a statement that fails for another reason (most of them, while
# typing) usually contains none of these, and is then not lexed at all.
_HINTS = {
    (3, 11): re.compile(r"except\s*\*|\*"),
    (3, 12): re.compile(r"\btype\s+[^\W\d]|\b(?:class|def)\s+[^\W\d]\w*\s*\[|(?<![\w.])[rRbB]?[fF][rR]?['\"]"),
    (3, 14): re.compile(r"\bexcept\b[^:\r\n]*,|(?<![\w.])[rR]?[tT][rR]?['\"]"),
}

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\f]+|\\(?:\r\n|\r|\n))
    |(?P<nl>\r\n|\r|\n)
    |(?P<comment>\#[^\r\n]*)
    |(?P<string>(?:[rRbBuUfFtT]{1,2})?(?:'''|\"\"\"|'|"))
    |(?P<name>[^\W\d]\w*)
    |(?P<number>\.?\d(?:[\w.]|(?<=[eE])[-+])*)
    |(?P<op>\*\*=?|//=?|->|:=|[-+*/%@&|^<>=!]=|<<=?|>>=?|\.\.\.|[^\s\w])
    """,
    re.VERBOSE,
)
_LINE_END = re.compile(r"[\r\n]")
_KEYWORDS = frozenset(keyword.kwlist) | {"match", "case", "type"}
_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")


def downlevel(text: str, running: tuple[int, int] = RUNNING) -> Downlevelled | None:
    """``text`` with the syntax newer than ``running`` rewritten; None if it has none."""
    if not any(version > running and hint.search(text) for version, hint in _HINTS.items()):
        return None
    lexer = _Lexer(text, running)
    lexer.run()
    if not lexer.edits:
        return None
    starts = line_starts(text)
    constructs = tuple(
        Construct(version, what, Range(_position(starts, start), _position(starts, end)))
        for start, end, version, what in sorted(lexer.found)
    )
    return Downlevelled(apply_edits(text, lexer.edits), constructs)


def _position(starts: list[int], offset: int) -> Position:
    line = bisect.bisect_right(starts, offset) - 1
    return Position(line, offset - starts[line])


@dataclass(slots=True)
class _Field:
    """A replacement field of an f- or t-string: its expression and the character after it."""

    start: int
    end: int
    terminator: int
    """Offset of the ``}``, ``!``, ``:`` or ``=`` that ends the expression."""
    nested: list[_Field]
    """Fields of its format spec (``{x:>{width}}``)."""


@dataclass(slots=True)
class _String:
    start: int
    end: int
    template: bool
    fields: list[_Field]
    new_syntax: bool
    """An f-string that needs PEP 701 to parse."""


class _Lexer:
    """One pass over a statement's tokens, collecting the edits of every construct it rewrites."""

    def __init__(self, text: str, running: tuple[int, int]) -> None:
        self.text = text
        self.running = running
        self.edits: list[Edit] = []
        self.found: list[tuple[int, int, tuple[int, int], str]] = []

    def note(self, start: int, end: int, version: tuple[int, int], what: str) -> None:
        self.found.append((start, end, version, what))

    def run(self, pos: int = 0, end: int | None = None) -> None:
        text = self.text
        end = len(text) if end is None else end
        brackets: list[tuple[str, bool]] = []  # open brackets: (bracket, opens a subscript)
        type_params: list[tuple[int, int]] = []  # open type parameter lists: (depth inside, start offset)
        params_at = -1  # offset of a ``[`` that opens type parameters (after ``type X``)
        statement_start = True
        previous = before = ("nl", "")  # the last two significant tokens: (kind, text)
        strings: list[_String] = []  # adjacent string literals (one implicit concatenation)
        clause: _Except | None = None
        while pos < end:
            m = _TOKEN.match(text, pos)
            if m is None:  # a character no token starts with (a lone ``$``)
                pos += 1
                continue
            kind, token, start, pos = m.lastgroup, m.group(), m.start(), m.end()
            if kind == "space" or (kind in ("nl", "comment") and brackets):
                continue
            if kind != "string" and strings:
                self._strings(strings)
                strings = []
            if kind == "comment":
                continue
            if kind == "nl":
                statement_start, clause, previous, before = True, None, ("nl", ""), previous
                continue
            if kind == "string":
                literal = self._string(start, token)
                strings.append(literal)
                pos, token = literal.end, ""
            depth = len(brackets)
            if clause is not None and depth == clause.depth:
                if token == ":":
                    self._except(clause, start)
                    clause = None
                elif token == "as":
                    clause = None
                elif token == ",":
                    clause.comma = True
            if clause is not None and token != ":" and not (token == "*" and clause.first < 0):
                clause.first = start if clause.first < 0 else clause.first
                clause.last = pos
            at_start, statement_start = statement_start, False
            if kind == "name":
                if at_start and token == "except":
                    clause = _Except(depth, start)
                    star = _TOKEN.match(text, _skip_space(text, pos))
                    if star is not None and star.group() == "*" and self.running < (3, 11):
                        self.edits.append((star.start(), star.end(), " "))
                        self.note(start, star.end(), (3, 11), "`except*`")
                elif at_start and token == "type" and self.running < (3, 12):
                    params_at = self._type_alias(start, pos)
            elif kind == "op":
                if token in _OPEN:
                    opens_params = start == params_at or (
                        token == "[" and previous[0] == "name" and before in (("name", "class"), ("name", "def"))
                    )
                    if opens_params and self.running < (3, 12):
                        type_params.append((depth + 1, start))
                    subscript = token == "[" and (
                        (previous[0] == "name" and previous[1] not in _KEYWORDS) or previous[0] == "string" or previous[1] in (")", "]")
                    )
                    brackets.append((token, subscript))
                elif token in _CLOSE:
                    if type_params and type_params[-1][0] == depth:
                        self._type_params(type_params.pop()[1], pos)
                    if brackets:
                        brackets.pop()
                elif token == "*" and brackets and self.running < (3, 11) and not type_params:
                    opening, subscript = brackets[-1]
                    if (opening == "[" and subscript and previous[1] in ("[", ",")) or (opening == "(" and previous[1] == ":"):
                        self.edits.append((start, pos, " "))
                        self.note(start, pos, (3, 11), "star expressions in subscripts and annotations")
                elif token in (";", ":") and not brackets:
                    statement_start = True  # a next statement, or a compound statement's body, on this line
            before, previous = previous, (kind, token)
        if strings:
            self._strings(strings)

    def _except(self, clause: _Except, colon: int) -> None:
        """``except A, B:`` (3.14) becomes ``except (A, B):``."""
        if clause.comma and clause.first >= 0 and self.running < (3, 14):
            self.edits.append((clause.first, clause.first, "("))
            self.edits.append((clause.last, clause.last, ")"))
            self.note(clause.start, colon, (3, 14), "`except` with several exception types and no parentheses")

    def _type_alias(self, start: int, after: int) -> int:
        """``type X[T] = V`` loses its soft keyword; returns the offset of a ``[`` opening type parameters."""
        text = self.text
        name_at = _skip_space(text, after)
        name = _TOKEN.match(text, name_at)
        if name is None or name.lastgroup != "name" or name.group() in _KEYWORDS:
            return -1
        following = _TOKEN.match(text, _skip_space(text, name.end()))
        if following is None or following.group() not in ("=", "["):
            return -1
        self.edits.append((start, name_at, ""))
        self.note(start, name.end(), (3, 12), "the `type` statement")
        return following.start() if following.group() == "[" else -1

    def _type_params(self, start: int, end: int) -> None:
        """``[T: int = str]`` after a class or function name, or an alias: blank (joined if on several lines)."""
        body = self.text[start:end]
        joined = "\\" if "\n" in body or "\r" in body else ""
        self.edits.extend(blank(self.text, start, end, joined))
        self.note(start, end, (3, 12), "type parameter lists")
        if _has_default(body):
            self.note(start, end, (3, 13), "type parameter defaults")

    def _string(self, start: int, opening: str) -> _String:
        """Lex the literal at ``start``; ``opening`` is its prefix and quote."""
        prefix = opening.rstrip("'\"").lower()
        quote = opening[len(prefix) :]
        body = start + len(opening)
        if "f" not in prefix and "t" not in prefix:
            return _String(start, _plain_end(self.text, body, quote), False, [], False)
        end, fields, new = _fstring_body(self.text, body, quote)
        return _String(start, end, "t" in prefix, fields, new)

    def _strings(self, run: list[_String]) -> None:
        """Adjacent literals become one tuple of their expressions if any of them needs rewriting."""
        template = self.running < (3, 14)
        fstrings = self.running < (3, 12)
        if not any((s.template and template) or (s.new_syntax and fstrings) for s in run):
            return
        for literal in run:
            if literal.template:
                self.note(literal.start, literal.end, (3, 14), "template strings")
            elif literal.new_syntax:
                what = "quotes, backslashes, comments or line breaks in f-string replacement fields"
                self.note(literal.start, literal.end, (3, 12), what)
        kept: list[tuple[int, int]] = []
        commas: list[int] = []
        for literal in run:
            for field in literal.fields:
                _collect(field, kept, commas)
        blanks: list[Edit] = []
        cursor = run[0].start
        for expr_start, expr_end in kept:
            blanks.extend(blank(self.text, cursor, expr_start))
            self._expression(expr_start, expr_end)
            cursor = expr_end
        blanks.extend(blank(self.text, cursor, run[-1].end))
        # The first character opens the tuple, the last closes it, each expression's terminator
        # (``}``, ``!``, ``:`` or ``=``) is the comma after it; everything else is blank.
        marks = {run[0].start: "(", run[-1].end - 1: ")", **dict.fromkeys(commas, ",")}
        self.edits.extend(_mark(blanks, marks))

    def _expression(self, start: int, end: int) -> None:
        """A replacement field kept in a rewritten string: strings nested in it may need rewriting too."""
        nested = _Lexer(self.text, self.running)
        nested.run(start, end)
        self.edits.extend(nested.edits)
        self.found.extend(nested.found)


@dataclass(slots=True)
class _Except:
    """An ``except`` clause being lexed."""

    depth: int
    start: int
    first: int = -1
    """Start of its first token after ``except`` (or ``except*``)."""
    last: int = -1
    """End of its last token before the colon."""
    comma: bool = False


def _mark(edits: list[Edit], marks: dict[int, str]) -> list[Edit]:
    """Blanking edits with the characters at ``marks`` replaced (each a one-character edit of its own)."""
    result: list[Edit] = []
    for start, end, replacement in edits:
        inside = sorted(p for p in marks if start <= p < end)
        if not inside or len(replacement) != end - start:
            result.append((start, end, replacement))
            continue
        cursor = start
        for point in inside:
            if point > cursor:
                result.append((cursor, point, " " * (point - cursor)))
            result.append((point, point + 1, marks[point]))
            cursor = point + 1
        if end > cursor:
            result.append((cursor, end, " " * (end - cursor)))
    return result


def _collect(field: _Field, kept: list[tuple[int, int]], commas: list[int]) -> None:
    kept.append((field.start, field.end))
    commas.append(field.terminator)
    for nested in field.nested:
        _collect(nested, kept, commas)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\f":
        pos += 1
    return pos


def _has_default(body: str) -> bool:
    depth = 0
    for index, ch in enumerate(body):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "=" and depth == 1 and body[index + 1 : index + 2] != "=" and body[index - 1 : index] not in "=!<>":
            return True
    return False


def _plain_end(text: str, pos: int, quote: str) -> int:
    """The offset after a plain string's closing quote (or where an unterminated one stops)."""
    end = len(text)
    while pos < end:
        ch = text[pos]
        if ch == "\\":
            pos += 2
            continue
        if text.startswith(quote, pos):
            return pos + len(quote)
        if len(quote) == 1 and ch in "\r\n":
            return pos
        pos += 1
    return end


def _fstring_body(text: str, pos: int, quote: str) -> tuple[int, list[_Field], bool]:
    """Lex an f- or t-string's content from ``pos``: (end offset, its fields, whether PEP 701 is needed)."""
    fields: list[_Field] = []
    needs = False
    end = len(text)
    while pos < end:
        ch = text[pos]
        if ch == "\\":
            pos += 2
            continue
        if text.startswith(quote, pos):
            return pos + len(quote), fields, needs
        if len(quote) == 1 and ch in "\r\n":
            return pos, fields, needs
        if ch == "{":
            if text.startswith("{{", pos):
                pos += 2
                continue
            field, pos, new = _field(text, pos + 1, quote)
            if field is None:
                return pos, fields, needs
            fields.append(field)
            needs = needs or new
            continue
        pos += 1
    return end, fields, needs


def _field(text: str, pos: int, quote: str) -> tuple[_Field | None, int, bool]:
    """Lex a replacement field from just after its ``{``: (field, offset after it, needs PEP 701)."""
    start = pos
    depth = 0
    end = len(text)
    needs = False
    terminator = -1
    while pos < end:
        ch = text[pos]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                if ch == "}":
                    terminator = pos
                    break
                return None, pos, needs
            depth -= 1
        elif ch in "'\"":
            prefix_start = pos
            while prefix_start > start and (text[prefix_start - 1].isalnum() or text[prefix_start - 1] == "_"):
                prefix_start -= 1
            prefix = text[prefix_start:pos].lower()
            triple = text[pos : pos + 3]
            inner = triple if triple in ("'''", '"""') else ch
            body = pos + len(inner)
            if len(prefix) <= 2 and ("f" in prefix or "t" in prefix) and not set(prefix) - set("rbuft"):
                pos = _fstring_body(text, body, inner)[0]
            else:
                pos = _plain_end(text, body, inner)
            # Before PEP 701 the enclosing literal ended at its own quote, and its fields held no backslash.
            needs = needs or inner == quote or quote in text[body:pos] or "\\" in text[body:pos]
            continue
        elif ch == "#":
            needs = True
            brk = _LINE_END.search(text, pos)
            pos = brk.start() if brk else end
            continue
        elif ch == "\\":
            needs = True
        elif ch in "\r\n":
            if len(quote) == 1:
                needs = True
        elif depth == 0 and ch == "!" and text[pos + 1 : pos + 2] != "=":
            terminator = pos
            break
        elif depth == 0 and ch == ":":
            terminator = pos
            break
        elif depth == 0 and ch == "=" and text[pos + 1 : pos + 2] != "=" and text[pos - 1 : pos] not in ("=", "!", "<", ">"):
            terminator = pos
            break
        pos += 1
    if terminator < 0:
        return None, pos, needs
    expr_end = terminator
    nested: list[_Field] = []
    pos = terminator
    if text[pos] == "=":
        pos += 1
        while pos < end and text[pos] in " \t\f":
            pos += 1
    if pos < end and text[pos] == "!":
        pos += 1
        while pos < end and (text[pos].isalnum() or text[pos] == "_"):
            pos += 1
    if pos < end and text[pos] == ":":
        pos += 1
        while pos < end:
            ch = text[pos]
            if ch == "}":
                break
            if ch == "{":
                inner, pos, new = _field(text, pos + 1, quote)
                if inner is None:
                    return None, pos, needs
                nested.append(inner)
                needs = needs or new
                continue
            if ch == "\\":
                pos += 2
                continue
            if text.startswith(quote, pos) or (len(quote) == 1 and ch in "\r\n"):
                return None, pos, needs
            pos += 1
    if pos >= end or text[pos] != "}":
        return None, pos, needs
    return _Field(start, expr_end, terminator, nested), pos + 1, needs

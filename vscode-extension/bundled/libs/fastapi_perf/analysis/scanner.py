"""Split Python source into top-level statements without parsing it.

Each top-level statement (a decorated definition counts as one) becomes a
*chunk* that is parsed and analysed on its own. That is what makes edits
cheap: an edit re-parses only the chunks it touches, and a syntax error in
one function leaves every other chunk analysable.

A line starts a new chunk when it begins in column 0 with code (not a
comment, not a continuation keyword such as ``else``) while no bracket,
string or backslash continuation is open. Finding that out needs only a
lexer for strings, comments and brackets, which one regular expression
provides.

The scanner also records comments that carry directives (``noqa``): the
parsed tree has no comments, and a ``# noqa`` inside a string must not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SQ3 = r"'''(?:[^'\\]|\\.|'(?!''))*'''"
_DQ3 = r'"""(?:[^"\\]|\\.|"(?!""))*"""'
_SQ1 = r"'(?:[^'\\\r\n]|\\(?:\r\n|.))*'"
_DQ1 = r'"(?:[^"\\\r\n]|\\(?:\r\n|.))*"'

# Tokens that change the lexer's state; everything else is skipped inside the
# regular expression engine. Complete strings match whole, so the Python loop
# runs once per string rather than once per quote.
_TOKEN = re.compile(
    r"(?=['\"#()\[\]{}\\\r\n])(?:"  # cheap first-character test before the alternatives
    + "|".join(
        (
            rf"(?P<s3>{_SQ3}|{_DQ3})",
            r"(?P<q3>'''|\"\"\")",
            rf"(?P<s1>{_SQ1}|{_DQ1})",
            r"(?P<q1>['\"])",
            r"(?P<comment>\#[^\r\n]*)",
            r"(?P<open>[(\[{])",
            r"(?P<close>[)\]}])",
            r"(?P<cont>\\(?:\r\n|\r|\n))",
            # A line that opens with a backslash continues into the next one, which sets the
            # indentation: it starts no statement of its own.
            r"(?P<nl>(?:\r\n|\r|\n)(?=[^ \t\f#\r\n\\]))",
        )
    )
    + ")",
    re.DOTALL,
)
_CONTINUATION = re.compile(r"(?:else|elif|except|finally)\b")
# Lines that cannot be inside brackets in valid code. While typing, a bracket
# is often left open; a definition in column 0 ends the broken statement.
_RECOVER = re.compile(r"(?:async\s+def|def|class)\s|@[A-Za-z_]")
_DIRECTIVE = re.compile(r"noqa|fastapi-perf", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# The inside of a one-line string that has no closing quote: up to an unescaped line break.
_BODY = {q: re.compile(rf"(?:[^{q}\\\r\n]|\\(?:\r\n|.))*", re.DOTALL) for q in ("'", '"')}


@dataclass(frozen=True, slots=True)
class Comment:
    """A directive comment; ``line`` counts from its chunk's first line."""

    line: int
    column: int
    text: str


@dataclass(frozen=True, slots=True)
class Span:
    """One top-level statement: character offsets and the line it starts on."""

    start: int
    end: int
    line: int
    comments: tuple[Comment, ...]


def count_lines(text: str, start: int = 0, end: int | None = None) -> int:
    """Line breaks in ``text[start:end]`` as LSP counts them (\\r\\n, \\r, \\n)."""
    if end is None:
        end = len(text)
    newlines = text.count("\n", start, end)
    returns = text.count("\r", start, end)
    # A \r\n pair is one break, counted once in each of the two counts. Counting in
    # C over the span only: no regex, and no scan of the text outside it.
    return newlines + returns - text.count("\r\n", start, end) if returns else newlines


def split_statements(text: str, start: int = 0, end: int | None = None, line: int = 0) -> list[Span]:
    """Split ``text[start:end]`` into top-level statements.

    ``start`` must begin a line where no string or bracket is open; ``line``
    is that line's number. Lines before the first statement (comments,
    blank lines) join the first span, trailing ones the statement they follow.
    """
    return _split(text, start, end, line)[0]


def next_starts_statement(text: str, start: int, end: int) -> bool:
    """Would the line at ``end`` start a new statement, scanning from ``start``?

    After an edit, this tells whether the unchanged statement that follows a
    re-split region still stands on its own: the edit may have opened a
    string or bracket, or left a decorator, that runs into it.
    """
    if end >= len(text):
        return True
    _, (depth, decorator_pending, swallowed, continued) = _split(text, start, end, 0)
    if swallowed or continued or decorator_pending:
        return False
    if _CONTINUATION.match(text, end) or not _starts_code(text, end, len(text)):
        return False
    return depth == 0 or bool(_RECOVER.match(text, end))


def starts_after_complete(text: str, pos: int) -> bool:
    """Does the line at ``pos`` start a new statement, given that a complete statement ends there?

    ``next_starts_statement`` without its scan: a statement that parsed
    leaves no bracket, string, continuation or decorator open, so only the
    line itself decides. After an edit this spares re-scanning the statement
    before the edited one (a 4,000-line class, a huge literal) when it cannot
    have changed.
    """
    if pos >= len(text):
        return True
    return _starts_code(text, pos, len(text)) and not _CONTINUATION.match(text, pos)


def _split(text: str, start: int, end: int | None, line: int) -> tuple[list[Span], tuple[int, bool, bool, bool]]:
    if end is None:
        end = len(text)
    spans: list[Span] = []
    comments: list[Comment] = []
    chunk_start, chunk_line = start, line
    depth = 0
    swallowed = continued = False
    seen_code = _code_before_first_statement(text, start, end)
    bom = start == 0 and text.startswith("\ufeff")
    decorator_pending = seen_code and _decorator_at(text, start + bom)
    pos = start
    search = _TOKEN.search
    while True:
        m = search(text, pos, end)
        if m is None:
            break
        kind = m.lastgroup
        pos = m.end()
        if kind == "nl":
            if depth:
                if not _RECOVER.match(text, pos, end):
                    continue
                depth = 0
            if not seen_code:
                seen_code = True
                decorator_pending = _decorator_at(text, pos)
                continue
            if decorator_pending or _CONTINUATION.match(text, pos, end):
                decorator_pending = decorator_pending and text.startswith("@", pos)
                continue
            spans.append(Span(chunk_start, pos, chunk_line, tuple(comments)))
            comments = []
            chunk_line += count_lines(text, chunk_start, pos)
            chunk_start = pos
            decorator_pending = _decorator_at(text, pos)
        elif kind == "open":
            depth += 1
        elif kind == "close":
            if depth:
                depth -= 1
        elif kind == "comment":
            body = m.group()
            if _DIRECTIVE.search(body):
                comments.append(_comment_at(text, chunk_start, m.start(), body))
        elif kind == "q3":
            pos = end  # an unterminated triple-quoted string swallows the rest
            swallowed = True
        elif kind == "q1":
            # An unterminated one-line string: it stops at the first line break that is not
            # escaped. One that is escaped at the very end of the region runs on past it (a
            # string the edit opened, or that a backslash continues into the next statement).
            body = _BODY[m.group()].match(text, pos, end)
            if body.end() >= end:
                pos, continued = end, True
            else:
                brk = _LINE_BREAK.search(text, pos, end)
                pos = brk.start() if brk else end
        elif kind == "cont":
            continued = pos >= end
    spans.append(Span(chunk_start, end, chunk_line, tuple(comments)))
    return spans, (depth, decorator_pending, swallowed, continued)


def _decorator_at(text: str, pos: int) -> bool:
    """A decorator starts at ``pos``, maybe after lines that only continue with a backslash."""
    while text.startswith("\\", pos):
        joined = _LINE_BREAK.match(text, pos + 1)
        if joined is None:
            return False
        pos = joined.end()
    return text.startswith("@", pos)


def directive_comments(text: str) -> tuple[Comment, ...]:
    """Directive comments of a whole text, lines counted from its start."""
    if not _DIRECTIVE.search(text):
        return ()
    found: list[Comment] = []
    pos, end = 0, len(text)
    search = _TOKEN.search
    while True:
        m = search(text, pos, end)
        if m is None:
            return tuple(found)
        kind = m.lastgroup
        pos = m.end()
        if kind == "comment" and _DIRECTIVE.search(m.group()):
            found.append(_comment_at(text, 0, m.start(), m.group()))
        elif kind == "q3":
            return tuple(found)
        elif kind == "q1":
            brk = _LINE_BREAK.search(text, pos, end)
            pos = brk.start() if brk else end


def _comment_at(text: str, chunk_start: int, offset: int, body: str) -> Comment:
    line_start = max(text.rfind("\n", chunk_start, offset), text.rfind("\r", chunk_start, offset)) + 1
    if line_start == 0:
        line_start = chunk_start
    return Comment(count_lines(text, chunk_start, line_start), offset - line_start, body)


def _code_before_first_statement(text: str, start: int, end: int) -> bool:
    """True if code (indented or not) comes before any column-0 statement.

    Leading comments and blank lines join the first statement; an indented
    line (or a stray backslash) at the very top is code of its own, after
    which the next column-0 line starts a statement. A line that only
    continues with a backslash is judged by the line it joins.
    """
    pos = start
    while pos < end:
        if _has_code(text, pos, end):
            first = pos
            while text.startswith("\\", first):  # lines that only continue: the next one counts
                joined = _LINE_BREAK.match(text, first + 1)
                if joined is None:
                    return True  # a stray backslash: code, and no statement
                first = joined.end()
            return pos == start or (first < end and text[first] in " \t\f")
        brk = _LINE_BREAK.search(text, pos, end)
        if brk is None:
            return False
        pos = brk.end()
    return False


def only_blank_or_comments(text: str, start: int, end: int) -> bool:
    """True if no line of ``text[start:end]`` holds code (only blank lines and comments)."""
    pos = start
    while pos < end:
        if _has_code(text, pos, end):
            return False
        brk = _LINE_BREAK.search(text, pos, end)
        if brk is None:
            return True
        pos = brk.end()
    return True


def _has_code(text: str, pos: int, end: int) -> bool:
    """True if the line at ``pos`` holds code (indented or not), not just a comment or blank."""
    if pos == 0 and text.startswith("\ufeff"):
        pos = 1  # a byte-order mark is not code
    while pos < end and text[pos] in " \t\f":
        pos += 1
    return pos < end and text[pos] not in "#\r\n"


def _starts_code(text: str, pos: int, end: int) -> bool:
    """True if the line at ``pos`` begins with a statement in column 0."""
    return pos < end and text[pos] not in " \t\f#\r\n\\"

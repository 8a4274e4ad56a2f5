"""Columns in the units each consumer counts.

``ast`` reports columns in UTF-8 bytes, findings count code points (what
the CLI prints, as Ruff does), and LSP clients count UTF-16 code units
unless they negotiate UTF-8 or UTF-32. Lines are split the way LSP splits
them: on ``\\r\\n``, ``\\r`` and ``\\n`` only (``str.splitlines`` also splits
on form feeds and separators, which would shift every later line).

A client can send a lone surrogate (JSON allows ``"\\ud800"``). It has no
UTF-8 encoding; UTF-8 columns count it as three bytes (as ``surrogatepass``
encodes it) instead of failing.
"""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Lines without their terminators; a final terminator does not add a line."""
    if "\r" not in text:
        lines = text.split("\n")
    else:
        lines = _LINE_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


def byte_to_char(line: str, byte_column: int) -> int:
    """Code-point column of a UTF-8 byte column on ``line``."""
    if line.isascii():
        return byte_column
    try:
        return len(line.encode("utf-8")[:byte_column].decode("utf-8", errors="ignore"))
    except UnicodeEncodeError:  # a lone surrogate
        return _utf8_to_char(line, byte_column)


def _utf8_width(ch: str) -> int:
    code = ord(ch)
    return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4


def _utf8_to_char(line: str, units: int) -> int:
    count = 0
    for index, ch in enumerate(line):
        if count >= units:
            return index
        count += _utf8_width(ch)
    return len(line)


def char_to_units(line: str, column: int, encoding: str) -> int:
    """Convert a code-point column to ``utf-8``, ``utf-16`` or ``utf-32`` units."""
    if encoding == "utf-32" or line.isascii():
        return column
    prefix = line[:column]
    if encoding == "utf-16":
        return column + sum(1 for ch in prefix if ord(ch) > 0xFFFF)
    return len(prefix.encode("utf-8", "surrogatepass"))


def units_to_char(line: str, units: int, encoding: str) -> int:
    """Convert a column in ``encoding`` units back to code points (clamped to the line)."""
    if encoding == "utf-32" or line.isascii():
        return min(units, len(line))
    if encoding == "utf-16":
        count = 0
        for index, ch in enumerate(line):
            if count >= units:
                return index
            count += 2 if ord(ch) > 0xFFFF else 1
        return len(line)
    try:
        encoded = line.encode("utf-8")[:units]
    except UnicodeEncodeError:  # a lone surrogate
        return _utf8_to_char(line, units)
    return len(encoded.decode("utf-8", errors="ignore"))


def position_at(text: str, offset: int) -> tuple[int, int]:
    """(line, code-point column) of a character offset, counting LSP line breaks."""
    offset = max(0, min(offset, len(text)))
    if "\r" not in text:
        line = text.count("\n", 0, offset)
        start = text.rfind("\n", 0, offset) + 1
        return line, offset - start
    breaks = list(_LINE_BREAK.finditer(text, 0, offset))
    if breaks and breaks[-1].end() > offset:  # inside a \r\n pair
        breaks.pop()
    start = breaks[-1].end() if breaks else 0
    return len(breaks), offset - start

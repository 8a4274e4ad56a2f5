"""Read the expectations written into fixture files.

A line that must be flagged ends with ``# error: FAP103`` (several codes
separated by commas). Every other line must not be flagged.

As in flake8-async's example files, a marker may also pin where the finding
starts and what it says: ``# error: FAP103:5 "time.sleep"`` asks for a
FAP103 finding that starts in column 5 (1-based, as the command line prints
it) and whose message contains ``time.sleep``. Either part may be left out
(``FAP103:5``, ``FAP103 "time.sleep"``); a code without them pins nothing
more than the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EXPECTATION = r'FAP\d{3}(?::\d+)?(?:\s+"[^"]*")?'
MARKER = re.compile(rf"#\s*error:\s*(?P<expectations>{_EXPECTATION}(?:\s*,\s*{_EXPECTATION})*)")
_ONE = re.compile(r'(?P<code>FAP\d{3})(?::(?P<column>\d+))?(?:\s+"(?P<fragment>[^"]*)")?')


@dataclass(frozen=True, slots=True)
class Expectation:
    line: int
    """1-based."""
    code: str
    column: int | None = None
    """1-based, when pinned."""
    fragment: str | None = None
    """Text the message must contain, when pinned."""


def expectations(text: str) -> list[Expectation]:
    """Every expectation the fixture's markers write, in file order."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for one in _ONE.finditer(match.group("expectations")):
                column = one.group("column")
                found.append(Expectation(number, one.group("code"), int(column) if column else None, one.group("fragment")))
    return found


def expected_findings(text: str) -> set[tuple[int, str]]:
    """(1-based line, code) pairs the fixture asks for."""
    return {(e.line, e.code) for e in expectations(text)}


def unmet_pins(text: str, findings) -> list[str]:
    """The pinned columns and message fragments no finding on the marked line satisfies."""
    problems = []
    for expected in expectations(text):
        if expected.column is None and expected.fragment is None:
            continue
        candidates = [f for f in findings if f.code == expected.code and f.range.start.line + 1 == expected.line]
        if not any(
            (expected.column is None or f.range.start.column + 1 == expected.column)
            and (expected.fragment is None or expected.fragment in f.message)
            for f in candidates
        ):
            seen = "; ".join(f"column {f.range.start.column + 1}: {f.message}" for f in candidates) or "no finding"
            pin = expected.code + (f":{expected.column}" if expected.column else "")
            pin += f' "{expected.fragment}"' if expected.fragment else ""
            problems.append(f"line {expected.line}: {pin} not met ({seen})")
    return problems

"""Read the expectations written into fixture files.

A line that must be flagged ends with ``# error: FAP103`` (several codes
separated by commas). Every other line must not be flagged.
"""

from __future__ import annotations

import re

MARKER = re.compile(r"#\s*error:\s*(?P<codes>FAP\d{3}(?:\s*,\s*FAP\d{3})*)")


def expected_findings(text: str) -> set[tuple[int, str]]:
    """(1-based line, code) pairs the fixture asks for."""
    expected = set()
    for number, line in enumerate(text.splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for code in re.split(r"\s*,\s*", match.group("codes")):
                expected.add((number, code))
    return expected

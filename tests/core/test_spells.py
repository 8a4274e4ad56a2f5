"""``spelled_names`` answers what the per-name regular expression it replaces answered, on any text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from fastapi_perf.analysis.facts.serving import spelled_names

_PIECES = st.sampled_from([b"get_user", b"def ", b"(", b" ", b"\n", b"\t", b"_", b"x", b"9", b".", b"\xc3\xa9", b"de", b"f"])


def _regex(text: bytes, word: bytes, called: bool) -> bool:
    pattern = re.compile(rb"(?<!def )\b" + re.escape(word) + (rb"\s*\(" if called else rb"\b"))
    return pattern.search(text) is not None


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=14).map(b"".join), st.booleans())
def test_spelled_names_agree_with_the_regular_expression(text: bytes, called: bool) -> None:
    assert (b"get_user" in spelled_names(text, called)) == _regex(text, b"get_user", called)


def test_examples() -> None:
    assert b"get_user" in spelled_names(b"user = get_user (1)", called=True)
    assert b"get_user" not in spelled_names(b"def get_user(id):\n    pass", called=True)
    assert b"get_user" not in spelled_names(b"get_users(1)")
    assert b"get_user" in spelled_names(b"deps = [get_user]")
    assert b"get_user" not in spelled_names(b"deps = [get_user]", called=True)

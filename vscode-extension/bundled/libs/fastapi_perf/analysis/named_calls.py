"""Find the few calls a whole-file question is about, without walking every statement.

A few questions concern the whole file: which functions are passed to
``AfterValidator``, where routers are included. An open document is asked
them again for each version, and walking the calls of every statement cost
milliseconds per keystroke in a large file. A statement whose text does not
mention the name cannot contain the call: each statement notes, once, which
of these words its text mentions (a few bits), and only the statements that
mention one are walked. Statements parsed from a whole file, as the command
line does, carry no text of their own; they are walked, once per file.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from .chunks import Chunk
from .facts import CallSite

WORDS = ("include_router", "AfterValidator", "BeforeValidator", "PlainValidator", "WrapValidator")
_BIT = {word: 1 << position for position, word in enumerate(WORDS)}
_ANY_WORD = re.compile("|".join(WORDS))


def calls_named(chunks: Iterable[Chunk], names: frozenset[str]) -> list[CallSite]:
    """Every call in ``chunks`` written as ``name(...)`` or ``x.name(...)`` for a name in ``names``, in file order.

    ``names`` must be among :data:`WORDS`.
    """
    mask = 0
    for name in names:
        mask |= _BIT[name]
    found: list[CallSite] = []
    for chunk in chunks:
        mentions = chunk.mentions
        if mentions < 0:
            mentions = chunk.mentions = _mentions(chunk)
        if not mentions & mask or chunk.facts is None:
            continue
        facts = chunk.facts
        mine = [site for site in facts.module_calls if _written(site) in names]
        for fn in facts.functions:
            mine += [site for site in fn.calls if _written(site) in names]
        if len(mine) > 1:
            mine.sort(key=lambda site: (site.node.lineno, site.node.col_offset))
        found += mine
    return found


def _mentions(chunk: Chunk) -> int:
    if not chunk.text:
        return (1 << len(WORDS)) - 1  # no text of its own: walk it
    bits = 0
    for match in _ANY_WORD.finditer(chunk.text):
        bits |= _BIT[match.group()]
    return bits


def _written(site: CallSite) -> str | None:
    func = site.node.func
    return func.id if type(func) is ast.Name else func.attr if type(func) is ast.Attribute else None

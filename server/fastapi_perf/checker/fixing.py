"""Apply fixes to source text, the way ``--fix`` and fix-all do.

Fixes whose edits overlap an already chosen fix wait for the next round;
identical edits (two fixes adding the same import) are applied once. After
each round the file is analysed again, so later fixes see earlier ones, up
to a bounded number of rounds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from ..analysis.findings import Applicability, Edit, Finding, Fix, Position
from ..analysis.source.newer_syntax import downlevel
from ..analysis.source.positions import split_lines
from ..analysis.source.scanner import split_statements
from .unused_imports import drop_imports_left_unused

MAX_ROUNDS = 10


def allowed(fix: Fix | None, unsafe: bool) -> bool:
    if fix is None:
        return False
    return fix.applicability is Applicability.SAFE or (unsafe and fix.applicability is Applicability.UNSAFE)


def choose(findings: Iterable[Finding], unsafe: bool) -> tuple[list[Edit], list[Finding]]:
    """Non-conflicting edits from the applicable fixes, and the findings they fix."""
    chosen: list[Edit] = []
    claims: list[Edit] = []
    fixed: list[Finding] = []
    taken: set[tuple] = set()
    for finding in sorted(findings, key=lambda f: f.range.start):
        fix = finding.fix
        if not allowed(fix, unsafe):
            continue
        new = [e for e in fix.edits if _key(e) not in taken]
        claim = new + ([Edit(fix.isolation, "")] if fix.isolation is not None else [])
        if any(_overlaps(edit, other) for edit in claim for other in claims):
            continue
        chosen.extend(new)
        claims.extend(claim)
        taken.update(_key(e) for e in new)
        fixed.append(finding)
    return chosen, fixed


def _key(edit: Edit) -> tuple:
    return (edit.range.start, edit.range.end, edit.content)


def _overlaps(a: Edit, b: Edit) -> bool:
    """Edits overlap when their ranges intersect or an insert falls at or inside the other's range."""
    a0, a1, b0, b1 = a.range.start, a.range.end, b.range.start, b.range.end
    if a0 == a1 and b0 == b1:
        return a0 == b0  # two inserts at one point: their order would be ambiguous
    if a0 == a1:
        return b0 <= a0 < b1
    if b0 == b1:
        return a0 <= b0 < a1
    return a0 < b1 and b0 < a1


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits (code-point positions) to ``text``."""
    if not edits:
        return text
    starts = _line_starts(text)
    pieces = []
    cursor = len(text)
    for edit in sorted(edits, key=lambda e: (e.range.start, e.range.end), reverse=True):
        start = _offset(text, starts, edit.range.start)
        end = _offset(text, starts, edit.range.end)
        pieces.append(text[end:cursor])
        pieces.append(edit.content)
        cursor = start
    pieces.append(text[:cursor])
    return "".join(reversed(pieces))


def _line_starts(text: str) -> list[int]:
    starts = [0]
    offset = 0
    for line in split_lines(text):
        offset += len(line)
        if text.startswith("\r\n", offset):
            offset += 2
        elif offset < len(text) and text[offset] in "\r\n":
            offset += 1
        starts.append(offset)
    return starts


def _offset(text: str, starts: list[int], position: Position) -> int:
    if position.line >= len(starts):
        return len(text)
    return min(starts[position.line] + position.column, len(text))


def compiles(text: str) -> bool:
    """True if Python accepts the text (``compile`` also catches ``await`` outside ``async def``).

    Syntax newer than the running Python is judged on the text ``ast`` is
    given for it (``newer_syntax.py``), so that fixes on a module written
    for a newer Python are checked as strictly as any other.
    """
    if _compiles(text):
        return True
    newer = downlevel(text)
    return newer is not None and _compiles(newer.rewrite.text)


def _compiles(text: str) -> bool:
    try:
        compile(text, "<fix>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def broken_statements(text: str) -> int:
    """How many top-level statements Python rejects (0 when the whole text compiles)."""
    if compiles(text):
        return 0
    return sum(1 for span in split_statements(text) if not compiles(text[span.start : span.end]))


def fix_text(
    text: str, analyse: Callable[[str], list[Finding]], unsafe: bool
) -> tuple[str, int, list[Finding]]:
    """Fix ``text`` until nothing applicable is left: (new text, fixes applied, remaining findings).

    A round that leaves more statements Python rejects than there were (none,
    in a file that compiled) is undone and its fixes are tried one at a time,
    dropping any that breaks the code: a fix must never break what parsed. A
    syntax error elsewhere in the file does not stop the fixes: outside their
    edits the text stays as it was. Imports the fixes left unused are removed
    at the end (``drop_imports_left_unused``).
    """
    applied = 0
    original = text
    broken = broken_statements(text)
    findings = analyse(text)
    rejected: set[tuple] = set()
    for _ in range(MAX_ROUNDS):
        candidates = [f for f in findings if _identity(f) not in rejected]
        edits, fixed = choose(candidates, unsafe)
        if not edits:
            break
        new_text = apply_edits(text, edits)
        if broken_statements(new_text) > broken:
            new_text, good = _one_by_one(text, fixed, rejected, broken)
            if not good:
                break
            fixed = good
        text = new_text
        applied += len(fixed)
        findings = analyse(text)
    if applied:
        cleaned = drop_imports_left_unused(original, text)
        if cleaned != text:
            text = cleaned
            findings = analyse(text)
    return text, applied, findings


def resolved(before: Iterable[Finding], after: Iterable[Finding], unsafe: bool) -> int:
    """How many of the findings ``before`` offered a fix for are gone ``after`` fixing.

    This is the count the summary promised ("[*] 11 fixable"), so it is
    what ``--fix`` reports. It can exceed the fixes applied: a fix may
    settle another finding too (``async def`` made ``def`` leaves nothing
    to offload inside it).
    """
    left = Counter((f.code, f.message) for f in after)
    count = 0
    for finding in before:
        if not allowed(finding.fix, unsafe):
            continue
        key = (finding.code, finding.message)
        if left[key]:
            left[key] -= 1
        else:
            count += 1
    return count


def _identity(finding: Finding) -> tuple:
    return (finding.code, finding.range, finding.message)


def _one_by_one(text: str, fixes: list[Finding], rejected: set[tuple], broken: int) -> tuple[str, list[Finding]]:
    good = []
    for finding in fixes:
        candidate = apply_edits(text, list(finding.fix.edits))
        if broken_statements(candidate) <= broken:
            return candidate, [finding]  # positions of the others moved: re-analyse first
        rejected.add(_identity(finding))
    return text, good


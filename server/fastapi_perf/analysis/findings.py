"""What a rule reports: findings, their fixes and the positions they use.

Positions are 0-based lines and columns counted in code points. Rules
produce them relative to their chunk's first line; the document shifts them
to absolute lines when it assembles a file's findings. Converting to LSP
units (UTF-16 by default) is the job of :mod:`fastapi_perf.analysis.source.positions`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import NamedTuple


class Applicability(str, enum.Enum):
    """How safe a fix is, as in Ruff: fix-all applies only safe fixes unless told otherwise."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"


# Positions and ranges are named tuples: millions are made and compared, and
# tuples are several times cheaper to build than frozen dataclasses.
class Position(NamedTuple):
    line: int
    column: int

    def shifted(self, lines: int) -> Position:
        return Position(self.line + lines, self.column) if lines else self


class Range(NamedTuple):
    start: Position
    end: Position

    def shifted(self, lines: int) -> Range:
        return Range(self.start.shifted(lines), self.end.shifted(lines)) if lines else self

    def contains(self, position: Position) -> bool:
        return self.start <= position <= self.end


@dataclass(slots=True)
class Edit:
    range: Range
    content: str

    def shifted(self, lines: int) -> Edit:
        return Edit(self.range.shifted(lines), self.content) if lines else self


@dataclass(frozen=True, slots=True)
class ImportRequest:
    """An import a fix needs, placed by the document after the file's imports.

    ``statement`` is the line to add (``import asyncio``); ``binds`` the
    name it must make available, so that it is skipped when already there.
    """

    statement: str
    binds: str


@dataclass(slots=True)
class Fix:
    message: str
    applicability: Applicability
    edits: tuple[Edit, ...]
    imports: tuple[ImportRequest, ...] = ()
    module_lines: tuple[str, ...] = ()
    """Statements to add once at module level, after the imports (a shared client)."""
    isolation: Range | None = None
    """A range no other fix may touch in the same round: a fix that changes a
    whole function (``async def`` to ``def``) must not be combined with one
    that edits its body on the same pass."""

    def shifted(self, lines: int) -> Fix:
        if not lines:
            return self
        return replace(
            self,
            edits=tuple(e.shifted(lines) for e in self.edits),
            isolation=self.isolation.shifted(lines) if self.isolation else None,
        )


@dataclass(slots=True)
class Related:
    """A secondary location: a step of a call chain, or where a name is defined.

    ``path`` is None for the file being analysed; then ``range`` is shifted
    with the finding.
    """

    message: str
    range: Range
    path: str | None = None
    anchor: str | None = None
    """For a location in another chunk of the same file: the module-level name
    whose chunk ``range`` is relative to. The document resolves it."""

    def shifted(self, lines: int) -> Related:
        if not lines or self.path is not None or self.anchor is not None:
            return self
        return Related(self.message, self.range.shifted(lines), self.path)


@dataclass(frozen=True, slots=True)
class RuntimeEvidence:
    """What ``pytest --fastapi-perf`` observed at a finding's line (docs/runtime.md)."""

    stalls: int
    total_ms: float
    max_ms: float
    tests: tuple[str, ...]
    observed_only: bool = False
    """Static analysis did not see it: the finding comes from the runtime report alone."""
    stale: bool = False
    """The file changed after the tests ran: the line may have moved."""


@dataclass(slots=True)
class Finding:
    code: str
    message: str
    range: Range
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    tags: tuple[str, ...] = field(default=())
    """LSP diagnostic tags by name: ``unnecessary``, ``deprecated``."""
    runtime: RuntimeEvidence | None = None
    """Set by :mod:`fastapi_perf.runtime.join` when the test suite saw this line block the loop."""

    def shifted(self, lines: int) -> Finding:
        if not lines:
            return self
        return replace(
            self,
            range=self.range.shifted(lines),
            fix=self.fix.shifted(lines) if self.fix else None,
            related=tuple(r.shifted(lines) for r in self.related),
        )


# -- a compact form for the on-disk cache ---------------------------------------
# Plain tuples (JSON arrays on disk) are several times cheaper to rebuild than these dataclasses.

def _range_tuple(r: Range) -> tuple[int, int, int, int]:
    return (r.start.line, r.start.column, r.end.line, r.end.column)


_new = tuple.__new__  # NamedTuple's generated constructor costs a Python call per position


def _range_from(t: tuple[int, int, int, int]) -> Range:
    return _new(Range, (_new(Position, (t[0], t[1])), _new(Position, (t[2], t[3]))))


def finding_to_tuple(f: Finding) -> tuple:
    fix = None
    if f.fix is not None:
        fix = (
            f.fix.message,
            f.fix.applicability.value,
            tuple((_range_tuple(e.range), e.content) for e in f.fix.edits),
        )
    related = tuple((r.message, _range_tuple(r.range), r.path) for r in f.related)
    return (f.code, f.message, _range_tuple(f.range), fix, related, f.tags)


def finding_from_tuple(t: tuple) -> Finding:
    code, message, span, fix, related, tags = t
    fix_object = None
    if fix is not None:
        fix_object = Fix(fix[0], Applicability(fix[1]), tuple(Edit(_range_from(r), c) for r, c in fix[2]))
    return Finding(
        code,
        message,
        _range_from(span),
        fix_object,
        tuple(Related(m, _range_from(r), p) for m, r, p in related),
        tags,
    )

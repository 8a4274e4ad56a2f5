"""Open documents: the core's incremental document and analysis, and one freshness stamp.

The client's ``version`` orders publications; it says nothing about whether
an analysis is current (a client may repeat a version, or go back to a
lower one). What does is the ``stamp``: it changes on every edit and on
every ``invalidate()`` (new settings, another file changed, jedi answered),
and an analysis is current when it was run at the document's stamp. Stamps
come from one counter, so no two states of any documents share one, and a
stamp also serves as the result id of pulled diagnostics.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from ..analysis.source.document import Document
from ..analysis.engine.dispatch import Engine
from ..analysis.findings import Finding, Position
from ..analysis.engine.incremental import Analysis, IncrementalAnalysis
from ..analysis.source.positions import char_to_units, units_to_char
from ..config import Settings

_STAMPS = itertools.count(1)


@dataclass(eq=False)
class OpenDocument:
    uri: str
    path: Path | None
    document: Document
    analysis: IncrementalAnalysis
    settings: Settings
    stamp: int = field(default_factory=lambda: next(_STAMPS))
    """Changes whenever the diagnostics may (an edit, ``invalidate``); see the module docstring."""
    too_large: bool = False
    """Over ``max-file-size`` at the last look (so that the reason is logged once, not per edit)."""
    serialised: dict = field(default_factory=dict, repr=False)
    """id of a statement's findings list -> (that list, its diagnostics as JSON text), for the
    statements of the last publication: an edit re-serialises only the statements it changed."""
    # The scheduler's tasks for this document (``scheduler.py``).
    analysing: asyncio.Future | None = field(default=None, repr=False)
    settling: asyncio.Future | None = field(default=None, repr=False)
    inferring: asyncio.Future | None = field(default=None, repr=False)
    _analysed: int = field(default=0, repr=False)
    """The stamp ``analysis.last`` was run at."""

    @property
    def version(self) -> int:
        return self.document.version

    # -- changes -------------------------------------------------------------
    def changed(self, version: int) -> None:
        """The client edited the text (already applied to ``document``); it is now at ``version``."""
        self.document.version = version
        self.stamp = next(_STAMPS)

    def invalidate(self, *, reset: bool = False, modules: Collection[str] = (), statements: Collection[int] = ()) -> bool:
        """Something the last analysis was computed from changed: the next ``latest()`` runs again.

        ``reset`` forgets every cached finding (settings, or the project, changed); ``modules``
        are other files that changed (their importers are checked again); ``statements`` are
        the text hashes of statements jedi answered questions for. False if that touched
        nothing (no statement asked), and then the document stays current.
        """
        if reset:
            self.analysis.reset()
        if modules:
            self.analysis.external_change(set(modules))
        if statements and not self.analysis.forget_statements(set(statements)) and not (reset or modules):
            return False
        self.stamp = next(_STAMPS)
        return True

    def parsed_again(self) -> None:
        """Statements ``ast`` rejected were parsed on the slow path (``recovery.py``): analyse again."""
        self.stamp = next(_STAMPS)

    def use_settings(self, settings: Settings, engine: Engine) -> None:
        """New settings: every finding is computed again, with their engine and options."""
        self.settings = settings
        self.serialised = {}
        self.analysis.reset(engine, settings.options)
        self.stamp = next(_STAMPS)

    # -- analysis --------------------------------------------------------------
    def latest(self) -> Analysis:
        """The analysis of the current state (runs the rules where it is out of date)."""
        last = self.analysis.last
        if last is None or self._analysed != self.stamp:
            last = self.analysis.run()
            self._analysed = self.stamp
        return last

    def shown(self, findings: list[Finding]) -> list[Finding]:
        """``findings`` less the codes ``per-file-ignores`` silences in this file, as in the CLI."""
        return self.settings.without_ignored(self.path, findings)

    @property
    def current(self) -> Analysis | None:
        """The last analysis if it is of the current state, without running anything."""
        return self.analysis.last if self._analysed == self.stamp else None

    # -- positions -------------------------------------------------------------
    def to_client(self, position: Position, encoding: str) -> dict:
        line_text = self.document.line_text(position.line)
        return {"line": position.line, "character": char_to_units(line_text, position.column, encoding)}

    def from_client(self, position: types.Position, encoding: str) -> Position:
        line_text = self.document.line_text(position.line)
        return Position(position.line, units_to_char(line_text, position.character, encoding))


def path_of(uri: str) -> Path | None:
    path = to_fs_path(uri)
    return Path(path) if path else None

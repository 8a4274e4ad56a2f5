"""Open documents: the core's incremental document plus what the server tracks about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from ..analysis.document import Document
from ..analysis.findings import Position
from ..analysis.incremental import Analysis, IncrementalAnalysis
from ..analysis.positions import char_to_units, units_to_char
from ..config import Settings


@dataclass(eq=False)
class OpenDocument:
    uri: str
    path: Path | None
    document: Document
    analysis: IncrementalAnalysis
    settings: Settings
    language_id: str = "python"
    published_version: int | None = None
    items: list[dict] | None = None
    """LSP diagnostics of ``items_key`` (version, settings generation)."""
    items_key: tuple | None = None
    too_large: bool = False
    analysis_stale: bool = False
    pending: object | None = field(default=None, repr=False)
    """The scheduled analysis task, cancelled by a newer edit."""
    settle_task: object | None = field(default=None, repr=False)
    semantic_task: object | None = field(default=None, repr=False)
    revision: int = 0
    """Bumped when results change without a new version (jedi's answers, other files)."""
    """jedi answering this document's questions in a worker thread."""
    """The scheduled refresh of this document's summary in the workspace index."""

    @property
    def version(self) -> int:
        return self.document.version

    def to_client(self, position: Position, encoding: str) -> dict:
        line_text = self.document.line_text(position.line)
        return {"line": position.line, "character": char_to_units(line_text, position.column, encoding)}

    def from_client(self, position: types.Position, encoding: str) -> Position:
        line_text = self.document.line_text(position.line)
        return Position(position.line, units_to_char(line_text, position.character, encoding))

    def latest(self) -> Analysis:
        """The analysis of the current version (runs the rules if the text changed)."""
        last = self.analysis.last
        if last is not None and last.version == self.document.version and not self.analysis_stale:
            return last
        self.analysis_stale = False
        return self.analysis.run()


def path_of(uri: str) -> Path | None:
    path = to_fs_path(uri)
    return Path(path) if path else None

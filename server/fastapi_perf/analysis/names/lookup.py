"""What the layers below the workspace index ask of it, as a ``Protocol``.

The resolver, the fact modules and the tree cache hold an index and pass it
on; only ``workspace/index.py`` implements one. Typing them against this
protocol keeps every import pointing down: the index depends on the facts,
never the reverse.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from ..options import AnalysisOptions
from ..source.chunks import Chunk
from .exports import ClassExport, Export, ModuleSummary
from .values import Value


class WorkspaceLookup(Protocol):
    options: AnalysisOptions
    files: dict[str, Path]
    """Dotted module names to paths."""
    digests: dict[str, bytes]
    """Content hashes of the files summarised from disk."""

    def options_for(self, path: Path | str) -> AnalysisOptions:
        """The options the file at ``path`` is analysed with (its own project's settings)."""

    def module_of(self, qualname: str) -> tuple[str, str] | None:
        """Split a qualified name into (indexed module, rest)."""

    def summary(self, module: str) -> ModuleSummary | None: ...

    def lookup(self, qualname: str, depth: int = 0) -> Export | None:
        """What a qualified name refers to in the workspace: a function, class or value."""

    def class_of(self, qualname: str) -> ClassExport | None: ...

    def subclasses(self, qualname: str, exclude: str = "") -> list[ClassExport]:
        """The workspace's classes deriving from ``qualname`` (directly or not), but those of module ``exclude``."""

    def state_attribute(self, attr: str) -> Value:
        """The type of ``request.state.<attr>`` as the workspace's middleware assigns it."""

    def uses_fastapi(self, module: str) -> bool: ...

    def read(self, path: Path) -> str | None:
        """A file's text as the index sees it."""

    def parse(self, path: Path) -> tuple[str, list[Chunk], bool] | None:
        """A file's text and statements, and whether they were parsed here."""

    def recording(self) -> AbstractContextManager[set[str]]:
        """Collect the modules looked up inside the block."""

    def add_dependencies(self, module: str, consulted: set[str]) -> None:
        """Record modules a summary came to depend on after it was made."""


__all__ = ["WorkspaceLookup"]

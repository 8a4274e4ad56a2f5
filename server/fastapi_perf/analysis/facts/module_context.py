"""What a rule can ask while it checks one chunk.

``ModuleContext`` is built once per version of a file and shared by all its
chunks: the merged symbols, the resolver and the blocking analysis, each
with its own memo. ``RuleContext`` adds the chunk being checked and turns
syntax nodes into positions.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..frameworks.fastapi import Route, is_dependency, route_of
from ..names.exports import FunctionExport
from ..names.resolve import Resolver
from ..names.symbols import ModuleSymbols
from ..options import AnalysisOptions
from ..source.chunks import Chunk, release_chunks
from ..source.facts import CallSite, FunctionInfo
from .blocking import BlockingAnalysis
from .cost import CostModel

if TYPE_CHECKING:
    from ..names.inference import Inference
    from ..names.lookup import WorkspaceLookup


@dataclass(eq=False)
class ModuleContext:
    chunks: list[Chunk]
    symbols: ModuleSymbols
    options: AnalysisOptions
    path: str | None = None
    index: WorkspaceLookup | None = None
    inference: Inference | None = None
    text: str | None = None
    """The whole file's text, when jedi must answer at once (the CLI)."""
    resolver: Resolver = field(init=False)
    blocking: BlockingAnalysis = field(init=False)
    cost: CostModel = field(init=False)
    _routes: dict[int, Route | None] = field(default_factory=dict)
    _dependencies: dict[int, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.resolver = Resolver(self.symbols, self.index)
        self.blocking = BlockingAnalysis(self.resolver, self.options, self.inference, self.locate, self.text, self.path)
        self.cost = CostModel(self.resolver, self.blocking)

    @property
    def uses_fastapi(self) -> bool:
        return self.symbols.imports_fastapi or self.options.project_uses_fastapi

    def is_own(self, qualname: str) -> bool:
        """A name defined in this file: answered from its symbols, never through the index.

        Asking the index would summarise this very file (a second parse).
        """
        return qualname.startswith(self.symbols.qualify(""))

    def remote_function(self, qualname: str) -> FunctionExport | None:
        """A function of another workspace file, as the index summarised it (never one of this file)."""
        if self.index is None or self.is_own(qualname):
            return None
        found = self.index.lookup(qualname)
        return found if isinstance(found, FunctionExport) else None

    def route(self, fn: FunctionInfo) -> Route | None:
        key = id(fn)
        if key not in self._routes:
            self._routes[key] = route_of(fn, self.resolver)
        return self._routes[key]

    def is_dependency(self, fn: FunctionInfo) -> bool:
        key = id(fn)
        if key not in self._dependencies:
            self._dependencies[key] = is_dependency(fn, self.resolver, self.symbols)
        return self._dependencies[key]

    def locate(self, call: CallSite, receiver: ast.expr) -> tuple[tuple, int, int] | None:
        """A stable key and the file position (1-based line, column) just inside ``receiver``'s end."""
        chunk = self.chunk_of(call.function) if call.function else None
        if chunk is None:
            return None
        end = chunk.node_range(receiver).end
        column = max(end.column - 1, 0)
        if chunk.text:  # the editor: keyed by the statement's text, so edits elsewhere keep the answer
            return (hash(chunk.text), end.line, column), chunk.origin + end.line + 1, column
        return (self.path, end.line, column), chunk.origin + end.line + 1, column

    def release(self, trees: bool = False) -> None:
        """Break this context's reference cycle (its blocking analysis holds its bound ``locate``); with
        ``trees``, also the cycles of its parsed statements (``chunks.release_chunks``), which nothing may
        use afterwards.

        Cycles are freed only by a full garbage collection, which the server
        runs when the editor is idle: without this, the server grows with every
        edit and the index with every file it parses (figures in
        ``docs/performance.md``).
        """
        if trees:
            release_chunks(self.chunks)
        self.blocking = None  # type: ignore[assignment]
        self.cost = None  # type: ignore[assignment]

    def chunk_of(self, fn: FunctionInfo) -> Chunk | None:
        index = self.symbols.function_chunk.get(fn.qualname)
        return self.chunks[index] if index is not None and index < len(self.chunks) else None

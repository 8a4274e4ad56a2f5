"""What a rule can ask while it checks one chunk.

``ModuleContext`` is built once per version of a file and shared by all its
chunks: the merged symbols, the resolver and the blocking analysis, each
with its own memo. ``RuleContext`` adds the chunk being checked and turns
syntax nodes into positions.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .blocking import BlockingAnalysis, BlockingReason, Step
from .chunks import Chunk
from .cost import CostModel
from .facts import CallSite, FunctionInfo
from .fastapi_model import Route, is_dependency, route_of
from .findings import Finding, Fix, Position, Range, Related
from .options import AnalysisOptions
from .resolve import Resolver
from .symbols import ModuleSymbols

if TYPE_CHECKING:
    from .inference import Inference
    from .workspace import FunctionExport, RemoteStep, WorkspaceIndex


@dataclass(eq=False)
class ModuleContext:
    chunks: list[Chunk]
    symbols: ModuleSymbols
    options: AnalysisOptions
    path: str | None = None
    index: WorkspaceIndex | None = None
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
        from .workspace import FunctionExport

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
        runs when the editor is idle: without this, ten thousand edits grew the
        server by 20 MB, a workspace index that parsed ten large files by a
        hundred, and one whole-tree run of litellm peaked at 958 MB.
        """
        if trees:
            from .chunks import release_chunks

            release_chunks(self.chunks)
        self.blocking = None  # type: ignore[assignment]
        self.cost = None  # type: ignore[assignment]

    def chunk_of(self, fn: FunctionInfo) -> Chunk | None:
        index = self.symbols.function_chunk.get(fn.qualname)
        return self.chunks[index] if index is not None and index < len(self.chunks) else None


_DEF = re.compile(r"(?:async\s+)?def\s+")


class RuleContext:
    def __init__(self, module: ModuleContext, chunk: Chunk) -> None:
        self.module = module
        self.chunk = chunk
        self.resolver = module.resolver
        self.options = module.options
        self._callees: dict[int, str | None] = {}
        """Several rules ask for the same call's callee; this context lives for one check of one chunk."""

    # -- positions ---------------------------------------------------------
    def range(self, node: ast.AST, chunk: Chunk | None = None) -> Range:
        return (chunk or self.chunk).node_range(node)

    def name_range(self, fn: FunctionInfo, chunk: Chunk | None = None) -> Range:
        """The range of a function's name in its ``def`` line."""
        chunk = chunk or self.chunk
        start = chunk.position(fn.node.lineno, fn.node.col_offset)
        text = chunk.line(start.line)
        match = _DEF.match(text, start.column)
        column = match.end() if match else start.column
        if not text.startswith(fn.name, column):
            return Range(start, Position(start.line, start.column + 3))
        return Range(Position(start.line, column), Position(start.line, column + len(fn.name)))

    def source(self, node: ast.AST) -> str:
        """The exact source text of ``node``."""
        span = self.range(node)
        if span.start.line == span.end.line:
            return self.chunk.line(span.start.line)[span.start.column : span.end.column]
        parts = [self.chunk.line(span.start.line)[span.start.column :]]
        parts += [self.chunk.line(n) for n in range(span.start.line + 1, span.end.line)]
        parts.append(self.chunk.line(span.end.line)[: span.end.column])
        return "\n".join(parts)

    # -- semantics ---------------------------------------------------------
    def display(self, qualname: str) -> str:
        """A qualified name as the user wrote it: local names without this module's prefix."""
        prefix = self.module.symbols.qualify("")
        if qualname.startswith(prefix):
            qualname = qualname[len(prefix):]
        return _short(qualname.removeprefix("builtins."))

    def callee(self, call: CallSite) -> str | None:
        key = id(call.node)
        try:
            return self._callees[key]
        except KeyError:
            found = self._callees[key] = self.resolver.callee(call.node, call.function)
            return found

    def route(self, fn: FunctionInfo) -> Route | None:
        return self.module.route(fn)

    def is_dependency(self, fn: FunctionInfo) -> bool:
        return self.module.is_dependency(fn)

    def blocking(self, call: CallSite) -> list[BlockingReason]:
        return self.module.blocking.reasons(call)

    def chain_related(self, reason: BlockingReason) -> tuple[Related, ...]:
        """Related locations for the hops after the first (which is the finding itself)."""
        related = []
        for step in reason.chain[1:]:
            caller = _short(step.function.qualname) if isinstance(step, Step) else step.function
            related.append(self.step_location(step, f"`{caller}` calls `{step.label}` here"))
        return tuple(related)

    def step_location(self, step: Step | RemoteStep, message: str) -> Related:
        if not isinstance(step, Step):
            return Related(message, step.range, path=step.path)
        chunk = self.module.chunk_of(step.function) or self.chunk
        anchor = None if chunk is self.chunk else step.function.qualname.partition(".")[0]
        return Related(message, chunk.node_range(step.call), anchor=anchor)

    # -- reporting ---------------------------------------------------------
    def finding(
        self,
        code: str,
        where: ast.AST | Range,
        message: str,
        fix: Fix | None = None,
        related: tuple[Related, ...] = (),
        tags: tuple[str, ...] = (),
    ) -> Finding:
        span = where if isinstance(where, Range) else self.range(where)
        return Finding(code, message, span, fix, related, tags)


def chain_text(function: FunctionInfo | None, reason: BlockingReason) -> str:
    names = [_short(function.qualname)] if function else []
    names += [_short(step.label) for step in reason.chain[:-1]]
    names.append(reason.target)
    return " → ".join(names)


def _short(qualname: str) -> str:
    return qualname.replace(".<locals>.", ".")

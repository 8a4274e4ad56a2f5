"""Per-function facts for the rules of categories 4-6, carried by the workspace index.

The index keeps no syntax trees, so what FAP401/FAP402 (dependency
callables), FAP501/FAP502 (background tasks) and FAP602 (aggregate queries)
need to know about a function of another file is computed from that file's
trees when first asked (``FunctionExport.facts``). Each part is computed by
its own module, the same way as for functions of the file being checked.

Each part is also computed on its own, when first read. A part follows
calls into helpers of further files, and asks those for the same part only:
computing all three together made a route's aggregate question summarise
and re-parse every file its helpers' dependencies and background work
reached (on litellm's proxy a third of the run time). The trees are held
weakly (the index keeps the recently used ones); a part asked after they
were dropped re-parses the file, which is rare: rules ask a function for
one part.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from .aggregates import AggregateFacts, aggregate_facts
from .background import BackgroundFacts, background_facts
from .dependency_facts import DependencyFacts, function_facts
from .facts import FunctionInfo

if TYPE_CHECKING:
    from .context import ModuleContext

_PARTS = {"dependency": function_facts, "background": background_facts, "aggregate": aggregate_facts}


class ExportedFacts:
    """The dependency, background and aggregate facts of one function of another file; None while unknown."""

    __slots__ = ("_qualname", "_context", "_module", "_path", "_is_package", "_index", "_digest", "_parts", "_busy")

    def __init__(self, fn: FunctionInfo, module: ModuleContext) -> None:
        self._qualname = fn.qualname
        self._context = weakref.ref(module)
        self._module = module.symbols.module_name
        self._path = module.path or ""
        self._is_package = module.symbols.is_package
        self._index = module.index
        self._digest = module.index.digests.get(self._module) if module.index is not None else None
        self._parts: dict[str, object | None] = {}
        self._busy: set[str] = set()

    @property
    def dependency(self) -> DependencyFacts | None:
        return self._part("dependency")  # type: ignore[return-value]

    @property
    def background(self) -> BackgroundFacts | None:
        return self._part("background")  # type: ignore[return-value]

    @property
    def aggregate(self) -> AggregateFacts | None:
        return self._part("aggregate")  # type: ignore[return-value]

    def _part(self, name: str) -> object | None:
        if name in self._parts:
            return self._parts[name]
        if name in self._busy:  # asked again while computing it: a cycle through other files is no evidence
            return None
        context = self._context() or self._reload()
        fn = context.symbols.all_functions.get(self._qualname) if context is not None else None
        if fn is None:
            self._parts[name] = None
            return None
        self._busy.add(name)
        index = self._index
        try:
            if index is None:
                value = _PARTS[name](fn, context, remote=True)
            else:
                with index.recording() as consulted:
                    value = _PARTS[name](fn, context, remote=True)
                consulted.discard(self._module)
                index.add_dependencies(self._module, consulted)
        finally:
            self._busy.discard(name)
        self._parts[name] = value
        return value

    def _reload(self) -> ModuleContext | None:
        """The file's trees again, unless its text changed since it was summarised (then: unknown)."""
        from .chunks import parse_module
        from .context import ModuleContext
        from .modules import content_digest
        from .symbols import ModuleSymbols

        index = self._index
        if index is None or self._digest is None:
            return None
        text = index.read(Path(self._path))
        if text is None or content_digest(text.encode("utf-8", "surrogatepass")) != self._digest:
            return None
        chunks = parse_module(text)
        symbols = ModuleSymbols.merge([c.facts for c in chunks], self._module, self._is_package)
        context = ModuleContext(chunks, symbols, index.options, self._path, index=index)
        self._context = weakref.ref(context)
        return context


def export_facts(fn: FunctionInfo, module: ModuleContext) -> ExportedFacts:
    return ExportedFacts(fn, module)

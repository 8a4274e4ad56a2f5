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
reached (on litellm's proxy a third of the run time). The trees come
from :class:`summarize.ModuleTrees`, which keeps those of the recently used
modules and re-parses a module whose trees were dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .aggregates import AggregateFacts, aggregate_facts
from .background import BackgroundFacts, background_facts
from .dependency_facts import DependencyFacts, function_facts

if TYPE_CHECKING:
    from .summarize import ModuleTrees

_PARTS = {"dependency": function_facts, "background": background_facts, "aggregate": aggregate_facts}


class ExportedFacts:
    """The dependency, background and aggregate facts of one function of another file; None while unknown."""

    __slots__ = ("_qualname", "_trees", "_parts", "_busy")

    def __init__(self, qualname: str, trees: ModuleTrees) -> None:
        self._qualname = qualname
        self._trees = trees
        # One per function of every summarised module, and most are never asked: the
        # containers are made on first use.
        self._parts: dict[str, object | None] | None = None
        self._busy: set[str] | None = None

    @property
    def dependency(self) -> DependencyFacts | None:
        return self._part("dependency")  # type: ignore[return-value]

    @property
    def background(self) -> BackgroundFacts | None:
        return self._part("background")  # type: ignore[return-value]

    @property
    def aggregate(self) -> AggregateFacts | None:
        return self._part("aggregate")  # type: ignore[return-value]

    @property
    def computed(self) -> tuple[str, ...]:
        """The parts asked for so far (each is computed on first read)."""
        return tuple(self._parts or ())

    def _part(self, name: str) -> object | None:
        if self._parts is None:
            self._parts, self._busy = {}, set()
        if name in self._parts:
            return self._parts[name]
        if name in self._busy:  # asked again while computing it: a cycle through other files is no evidence
            return None
        trees = self._trees
        with trees.in_use():  # the trees may be dropped meanwhile, but not freed under this computation
            context = trees.context()
            fn = context.symbols.all_functions.get(self._qualname) if context is not None else None
            if fn is None:
                self._parts[name] = None
                return None
            self._busy.add(name)
            index = trees.index
            try:
                with index.recording() as consulted:
                    value = _PARTS[name](fn, context, remote=True)
                consulted.discard(trees.module)
                index.add_dependencies(trees.module, consulted)
            finally:
                self._busy.discard(name)
        self._parts[name] = value
        return value

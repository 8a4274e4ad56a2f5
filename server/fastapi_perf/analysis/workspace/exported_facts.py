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
reached (see ``docs/performance.md``). The trees come
from :class:`trees.ModuleTrees`, which keeps those of the recently used
modules and re-parses a module whose trees were dropped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from ..facts.aggregates import AggregateFacts, aggregate_facts
from ..facts.background import BackgroundFacts, background_facts
from ..facts.dependencies import DependencyFacts, function_facts
from ..names.classes import method_kind
from ..names.values import Instance, Value

if TYPE_CHECKING:
    from .trees import ModuleTrees

_PARTS = {facts.part: facts for facts in (function_facts, background_facts, aggregate_facts)}


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


class ClassAttributes(Mapping):
    """The attribute types of a class of another file, each resolved when first asked.

    A model's fields and a service's attributes name types of further
    modules; resolving them all while summarising summarised, and parsed,
    half a project at once (one summary inside another). Only the names are
    kept up front; a value is resolved from the module's trees when a lookup
    needs it. An attribute whose type is unknown is absent.
    """

    __slots__ = ("_qualname", "_local", "_names", "_trees", "_values", "_busy")

    def __init__(self, qualname: str, local: str, names: frozenset[str], trees: ModuleTrees) -> None:
        self._qualname = qualname
        self._local = local
        self._names = names
        self._trees = trees
        self._values: dict[str, Value] | None = None
        self._busy: set[str] | None = None

    def _value(self, attr: str) -> Value:
        if attr not in self._names:
            return None
        if self._values is None:
            self._values, self._busy = {}, set()
        if attr in self._values:
            return self._values[attr]
        if attr in self._busy:
            return None
        trees = self._trees
        value: Value = None
        with trees.in_use():
            context = trees.context()
            klass = context.symbols.classes.get(self._local) if context is not None else None
            if klass is not None:
                self._busy.add(attr)
                try:
                    with trees.index.recording() as consulted:
                        value = _attribute(context, klass, self._qualname, attr)
                    consulted.discard(trees.module)
                    trees.index.add_dependencies(trees.module, consulted)
                finally:
                    self._busy.discard(attr)
        self._values[attr] = value
        return value

    def __getitem__(self, attr: str) -> Value:
        value = self._value(attr)
        if value is None:
            raise KeyError(attr)
        return value

    def __contains__(self, attr: object) -> bool:
        return isinstance(attr, str) and self._value(attr) is not None

    def get(self, attr: str, default: Value = None) -> Value:
        value = self._value(attr)
        return default if value is None else value

    def __iter__(self) -> Iterator[str]:
        return (name for name in sorted(self._names) if self._value(name) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _attribute(context, klass, qualname: str, attr: str) -> Value:
    method = klass.methods.get(attr)
    if method is not None:
        return context.resolver.returns_of(method) if method_kind(method) == "property" else None
    value = context.resolver.member(Instance(qualname), attr)
    if value is None or (hasattr(value, "qualname") and value.qualname.endswith(f".{attr}")):
        return None
    return value

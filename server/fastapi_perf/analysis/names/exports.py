"""What the workspace index answers about other files: summaries of modules, functions and classes.

Plain data, without syntax trees, so a whole workspace fits in memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..findings import Range
from .values import Value


@dataclass(frozen=True, slots=True)
class Alias:
    """A module-level ``Annotated[...]`` alias: used as an annotation, it means ``type``."""

    type: str
    dependency: object | None = None
    """The ``Depends(...)`` it carries, as a ``facts.depends.DepRef`` (FAP401/FAP402)."""


@dataclass(frozen=True, slots=True)
class RemoteStep:
    """A hop of a call chain in another file."""

    function: str
    label: str
    path: str
    range: Range


@dataclass(frozen=True, slots=True)
class RemoteReason:
    code: str
    what: str
    target: str
    chain: tuple[RemoteStep, ...]


@dataclass(slots=True)
class FunctionExport:
    qualname: str
    is_async: bool
    is_generator: bool
    returns: Value
    blocking: dict[str, RemoteReason]
    path: str
    range: Range
    facts: object | None = None
    """Facts for categories 4-6, an ``exported_facts.ExportedFacts``: each part computed when first read."""
    params: tuple[str, ...] = ()
    """Parameter names in order (``self``/``cls`` included), to match a call's arguments to them."""
    kind: str = "function"
    """``function``, ``method``, ``classmethod`` or ``staticmethod``: whether a call passes the first parameter."""
    abstract: bool = False
    """An interface method: ``@abstractmethod``, or a body that only documents, passes or raises."""
    param_calls: dict[str, tuple[ParamCall, ...]] = field(default_factory=dict)
    """Per parameter without a known type: the methods called on it on every call (call-site types decide)."""
    injects: dict[str, Value] = field(default_factory=dict)
    """For a decorator: the keyword arguments its wrapper passes the decorated function (``session=Session()``)."""
    attribute_calls: dict[str, tuple[ParamCall, ...]] = field(default_factory=dict)
    """For an ``async def __call__``: methods called on ``self.<attr>`` (``attr``) or its elements (``attr[]``)."""


@dataclass(frozen=True, slots=True)
class ParamCall:
    """A method called on a parameter, directly (``db.scalar(...)``) or in a helper it is passed to."""

    method: str
    chain: tuple[RemoteStep, ...]
    """Hops from the function that receives the parameter to the call, outermost first."""


@dataclass(slots=True)
class ClassExport:
    qualname: str
    methods: dict[str, FunctionExport]
    attributes: Mapping[str, Value]
    """Attribute types (a lazily resolving mapping in summaries: ``exported_facts.ClassAttributes``)."""
    bases: tuple[str, ...] = ()
    """Qualified names of its bases, as written (generic arguments dropped): lookups walk the MRO."""
    attribute_params: dict[str, str] = field(default_factory=dict)
    """Attributes its ``__init__`` sets straight from a parameter (``self.perms = perms``): attribute -> parameter."""


@dataclass(slots=True)
class ModuleSummary:
    module: str
    path: str
    values: dict[str, Value | Alias] = field(default_factory=dict)
    functions: dict[str, FunctionExport] = field(default_factory=dict)
    classes: dict[str, ClassExport] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)
    """Names bound by imports, to their (absolute) targets: re-exports are followed."""
    uses_fastapi: bool = False
    depends_on: set[str] = field(default_factory=set)
    state: dict[str, Value] = field(default_factory=dict)
    """Types of ``request.state`` attributes this module assigns (a middleware's session)."""


Export = FunctionExport | ClassExport | Alias | Value

"""What the workspace index answers about other files: summaries of modules, functions and classes.

Plain data, without syntax trees, so a whole workspace fits in memory.
"""

from __future__ import annotations

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


@dataclass(slots=True)
class ClassExport:
    qualname: str
    methods: dict[str, FunctionExport]
    attributes: dict[str, Value]


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


Export = FunctionExport | ClassExport | Alias | Value

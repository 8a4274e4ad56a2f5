"""What one top-level statement says, in the terms rules ask about.

Rules never walk syntax trees: they read these facts. Positions stay in the
``ast`` nodes the facts point to; ``ast`` counts lines from the chunk's own
first line (the chunk's *origin*), so facts survive lines shifting above.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Literal

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef

# Most functions import nothing and nest nothing: they share these empty,
# never-written containers (the walk replaces them before the first write),
# which keeps open documents small.
_NO_IMPORTS: dict[str, str] = {}
_NO_NESTED: list = []


class Unpacked(ast.expr):
    """Element ``index`` of ``value``, bound by unpacking (``rows, count = value``); not in any tree.

    Names bound by a tuple target get one as their value, so that the
    element's type can be found from the whole value's (``tuple[list[Row], int]``).
    """

    _fields = ("value",)

    def __init__(self, value: ast.expr, index: int) -> None:
        super().__init__(value=value)
        self.index = index
        ast.copy_location(self, value)


class Iterated(ast.expr):
    """An element of ``value``, bound by a loop or a comprehension (``for x in value``); not in any tree."""

    _fields = ("value",)

    def __init__(self, value: ast.expr) -> None:
        super().__init__(value=value)
        ast.copy_location(self, value)


@dataclass(slots=True, eq=False)
class CallSite:
    """One call expression and the context it runs in."""

    node: ast.Call
    function: FunctionInfo | None
    """The function whose body runs the call; None at module or class level."""
    parent: ast.AST | None
    """The node that contains the call (decides whether an ``await`` needs parentheses)."""
    awaited: bool
    loop_depth: int
    """Loops and comprehensions around the call inside its own function."""
    in_lambda: bool = False
    in_handler: bool = False
    """Inside an ``except`` block: runs only when something failed."""
    conditional: bool = False
    """Inside a branch (``if``/``else``, a ``match`` case, ``except``): runs on some calls only."""
    in_generator: bool = False
    """Inside a generator expression (not its first iterable): an ``await`` there would make it an
    asynchronous generator, which ``sum()`` or ``list()`` cannot iterate."""
    handler: ast.ExceptHandler | None = None
    """The innermost ``except`` block around the call, when ``in_handler``."""


@dataclass(slots=True, eq=False)
class Param:
    """A function parameter: its annotation and default, as written."""

    name: str
    annotation: ast.expr | None
    default: ast.expr | None
    node: ast.arg


@dataclass(slots=True, eq=False)
class FunctionInfo:
    """A ``def`` or ``async def`` anywhere in the chunk (methods and closures too)."""

    node: FunctionNode
    name: str
    qualname: str
    is_async: bool
    parent: FunctionInfo | None
    class_name: str | None
    params: dict[str, Param] = field(default_factory=dict)
    calls: list[CallSite] = field(default_factory=list)
    awaits: bool = False
    is_generator: bool = False
    returns_value: bool = False
    assigned: dict[str, list[ast.expr | None]] = field(default_factory=dict)
    """Local names and the values assigned to them (None: a value we cannot name)."""
    imports: dict[str, str] = field(default_factory=lambda: _NO_IMPORTS)
    nested: list[FunctionInfo] = field(default_factory=lambda: _NO_NESTED)
    referenced: set[str] = field(default_factory=set)
    """Names this function's body mentions (loads), for cheapness and reference checks."""
    global_names: set[str] | frozenset[str] = frozenset()
    results: list[ast.expr] = field(default_factory=lambda: _NO_NESTED)
    """Values this function returns, or yields when it is a generator (for its result type)."""
    owner: ClassInfo | None = None
    """The class whose body defines this method."""

    @property
    def decorators(self) -> list[ast.expr]:
        return self.node.decorator_list

    def binds_locally(self, name: str) -> bool:
        return (
            name not in self.global_names
            and (name in self.params or name in self.assigned or name in self.imports)
        )


@dataclass(slots=True, eq=False)
class ClassInfo:
    node: ast.ClassDef
    name: str
    qualname: str
    methods: dict[str, FunctionInfo] = field(default_factory=dict)
    assigned: dict[str, ast.expr | None] = field(default_factory=dict)
    instance_attrs: dict[str, list[tuple[ast.expr | None, FunctionInfo]]] = field(default_factory=dict)
    """``self.x = value`` in its methods: the values and the method that assigns each."""
    annotations: dict[str, tuple[ast.expr, FunctionInfo | None]] = field(default_factory=dict)
    """Declared attribute types: ``x: T`` in the body (dataclass and Pydantic fields), ``self.x: T`` in a method."""


BindingKind = Literal["import", "var", "function", "class"]


@dataclass(slots=True, eq=False)
class Binding:
    """A name bound at module level by this chunk."""

    name: str
    kind: BindingKind
    node: ast.AST
    """The def/class node, the assigned value, or the import alias."""
    target: str = ""
    """For imports: the qualified name the binding refers to (``.crud`` when relative)."""
    value: ast.expr | None = None
    annotation: ast.expr | None = None


@dataclass(slots=True, eq=False)
class ChunkFacts:
    """Everything one chunk defines and does."""

    functions: list[FunctionInfo] = field(default_factory=list)
    classes: list[ClassInfo] = field(default_factory=list)
    bindings: dict[str, Binding] = field(default_factory=dict)
    module_calls: list[CallSite] = field(default_factory=list)
    reads: set[str] = field(default_factory=set)
    """Every name the chunk mentions: the module-level facts it may depend on."""
    dependency_refs: set[str] | frozenset[str] = frozenset()
    """Names used inside ``Depends(...)``/``Security(...)`` anywhere in the chunk."""
    registered_routes: set[str] | frozenset[str] = frozenset()
    """Functions registered with ``add_api_route(path, endpoint)`` or ``app.get(path)(endpoint)``;
    methods (``add_api_route(path, self.list)`` in a class-based view) by ``Class.method``."""
    global_assigned: dict[str, list[tuple[ast.expr | None, FunctionInfo]]] = field(default_factory=dict)
    """Module globals assigned inside functions that declare them ``global`` (a start-up hook's client)."""
    state_assigned: dict[str, list[tuple[ast.expr | None, FunctionInfo | None]]] = field(default_factory=dict)
    """``request.state.x = value`` (a middleware's session): the values of each ``state`` attribute."""
    imports_fastapi: bool = False
    first_line: int = 0
    """Line of the first statement (relative to the origin); decorators included."""

    def function_named(self, name: str) -> FunctionInfo | None:
        for fn in self.functions:
            if fn.parent is None and fn.class_name is None and fn.name == name:
                return fn
        return None

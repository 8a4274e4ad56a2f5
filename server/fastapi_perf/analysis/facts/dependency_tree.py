"""A route's whole dependency tree, as FastAPI resolves it per request.

The tree holds every callable FastAPI runs before the endpoint: the
endpoint's ``Depends``/``Security`` parameters (also through ``Annotated``
aliases of this or another file), the decorator's ``dependencies=[...]``,
the router's and the application's ``dependencies=[...]`` (their
constructors, and ``include_router(..., dependencies=[...])`` anywhere in
the workspace, through routers included in routers), and, below each, its own
parameters: functions, classes (their ``__init__``) and instances (their
``__call__``), in this file or another.

FastAPI caches a dependency's value per request by callable, so the tree is
a set of nodes keyed by :attr:`DepRef.identity`; a callable reached twice is
one node.
"""

from __future__ import annotations

import ast
import os
import re
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..frameworks.fastapi import Route
from ..names.resolve import Resolver
from ..names.symbols import ModuleSymbols
from ..names.values import Ref
from ..source.chunks import Chunk, parse_chunk_text
from ..source.facts import FunctionInfo
from ..source.named_calls import calls_named
from ..source.scanner import split_statements
from .common import Site, scopes
from .dependencies import DependencyFacts, function_facts
from .depends import DepRef, depends_call, depends_ref, param_dependency
from .module_context import ModuleContext

if TYPE_CHECKING:
    from ..names.lookup import WorkspaceLookup

_ROUTERS = frozenset({"fastapi.FastAPI", "fastapi.APIRouter"})
_MAX_NODES = 64
_MAX_DEPTH = 10


@dataclass(frozen=True, slots=True)
class Node:
    ref: DepRef
    facts: DependencyFacts | None
    via: str
    """How the route reaches it: ``parameter``, ``decorator``, ``router``, or the label of the dependency that needs it."""
    definition: Site | None


_TREES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def dependency_tree(route: Route, module: ModuleContext) -> list[Node]:
    """Every dependency of ``route``, one node per cached identity, nearest first."""
    memo = _TREES.setdefault(module, {})
    key = id(route.function)
    if key not in memo:
        memo[key] = _tree(route, module)
    return memo[key]


def _tree(route: Route, module: ModuleContext) -> list[Node]:
    fn = route.function
    roots: list[tuple[DepRef, str]] = []
    for name in fn.params:
        ref = param_dependency(fn, name, module)
        if ref is not None:
            roots.append((ref, "parameter"))
    if route.decorator is not None:
        roots += [(ref, "decorator") for ref in _listed(route.decorator, fn.parent, module, fn.qualname)]
        receiver = route.decorator.func.value if type(route.decorator.func) is ast.Attribute else None
        if receiver is not None:
            roots += [(ref, "router") for ref in router_dependencies(receiver, fn.parent, module)]
    nodes: dict[str, Node] = {}
    pending = [(ref, via, 0) for ref, via in roots]
    while pending and len(nodes) < _MAX_NODES:
        ref, via, depth = pending.pop(0)
        if ref.identity in nodes or depth > _MAX_DEPTH:
            continue
        facts, definition = callable_facts(ref, module)
        nodes[ref.identity] = Node(ref, facts, via, definition)
        if facts is not None:
            pending += [(child, ref.label, depth + 1) for child in facts.depends]
    return list(nodes.values())


def callable_facts(ref: DepRef, module: ModuleContext) -> tuple[DependencyFacts | None, Site | None]:
    """The facts of what FastAPI calls for ``ref``, and where it is defined."""
    if ref.kind == "either":
        return _either_facts(ref, module)
    if ref.target is None:
        return None, None
    qualname = ref.target
    if ref.kind == "class":
        qualname += ".__init__"
    elif ref.kind == "instance":
        qualname += ".__call__"
    resolver = module.resolver
    local = resolver.local_function(qualname)
    if local is not None:
        return function_facts(local, module), _definition(local, module)
    found = module.remote_function(qualname)
    if found is None:
        return None, None
    facts = getattr(found.facts, "dependency", None)
    return facts, (Site(found.range, found.path) if found.range is not None else None)


def _either_facts(ref: DepRef, module: ModuleContext) -> tuple[DependencyFacts | None, Site | None]:
    """``Depends(a if flag else b)``: what every arm does (the sub-dependencies and session they share)."""
    arms = [callable_facts(option, module) for option in ref.options]
    if not arms or any(facts is None for facts, _ in arms):
        return None, None
    facts = [f for f, _ in arms]
    first = facts[0]
    shared = {d.identity for d in first.depends}
    for other in facts[1:]:
        shared &= {d.identity for d in other.depends}
    session = first.session
    if session is not None and any(f.session is None or f.session.key != session.key for f in facts[1:]):
        session = None
    combined = DependencyFacts(
        depends=tuple(d for d in first.depends if d.identity in shared),
        session=session,
        queries=all(f.queries for f in facts),
        memoized=all(f.memoized for f in facts),
    )
    return combined, arms[0][1]


def _definition(fn: FunctionInfo, module: ModuleContext) -> Site | None:
    chunk = module.chunk_of(fn)
    if chunk is None:
        return None
    return Site(chunk.node_range(fn.node), anchor=fn.qualname.partition(".")[0])


def _listed(call: ast.Call, scope: FunctionInfo | None, module: ModuleContext, place: str) -> list[DepRef]:
    """The ``dependencies=[Depends(a), ...]`` of a decorator, router or ``include_router`` call."""
    found = []
    for keyword in call.keywords:
        if keyword.arg == "dependencies" and type(keyword.value) in (ast.List, ast.Tuple):
            for element in keyword.value.elts:
                depends = depends_call(element, scope, module)
                ref = depends_ref(depends, scope, module, None, place) if depends is not None else None
                if ref is not None:
                    found.append(ref)
    return found


# -- routers and applications -------------------------------------------------------------


def router_dependencies(receiver: ast.expr, scope: FunctionInfo | None, module: ModuleContext) -> list[DepRef]:
    """Dependencies every route of the router ``receiver`` gets: its own, and those of what includes it."""
    found = []
    constructor = _constructor(receiver, scope, module)
    name = router_name(receiver, scope, module.resolver)
    if constructor is not None:
        found += _listed(constructor, _owner(receiver, scope), module, name or "")
    if name is None:
        return found
    wiring = workspace_wiring(module)
    seen = {name}
    pending = [name]
    while pending:
        child = pending.pop()
        for parent, refs in wiring.get(child, ()):
            found += refs
            if parent not in seen:
                seen.add(parent)
                pending.append(parent)
    return found


def _owner(receiver: ast.expr, scope: FunctionInfo | None) -> FunctionInfo | None:
    if type(receiver) is ast.Name:
        for fn in scopes(scope):
            if receiver.id in fn.assigned:
                return fn
    return None


def _constructor(receiver: ast.expr, scope: FunctionInfo | None, module: ModuleContext) -> ast.Call | None:
    """The ``APIRouter(...)``/``FastAPI(...)`` call that made a router bound to a name here."""
    if type(receiver) is not ast.Name:
        return None
    value = None
    for fn in scopes(scope):
        if receiver.id in fn.assigned:
            values = fn.assigned[receiver.id]
            value = values[0] if len(values) == 1 else None
            scope = fn
            break
    else:
        binding = module.symbols.bindings.get(receiver.id)
        value = binding.value if binding is not None and binding.kind == "var" else None
        scope = None
    if type(value) is not ast.Call:
        return None
    callee = module.resolver.callee(value, scope)
    return value if callee in _ROUTERS else None


def router_name(expr: ast.expr, scope: FunctionInfo | None, resolver: Resolver) -> str | None:
    """A router's name across files: ``app.api.items.router``; a local of a factory gets its function's name."""
    symbols = resolver.module
    if type(expr) is ast.Name:
        for fn in scopes(scope):
            if fn.binds_locally(expr.id) and expr.id not in fn.imports:
                return f"{symbols.qualify(fn.qualname)}:{expr.id}"
        value = resolver.name_value(expr.id, scope)
        binding = symbols.bindings.get(expr.id)
        if binding is not None and binding.kind == "import":
            return value.qualname if type(value) is Ref else symbols.absolute_import(binding.target)
        return symbols.qualify(expr.id) if binding is not None else None
    if type(expr) is ast.Attribute:
        base = resolver.value_of(expr.value, scope)
        return f"{base.qualname}.{expr.attr}" if type(base) is Ref else None
    return None


Wiring = dict[str, list[tuple[str, list[DepRef]]]]
"""Included router -> (the router or app including it, the dependencies that adds)."""


_INCLUDE = frozenset({"include_router"})


def module_wiring(module: ModuleContext) -> Wiring:
    """``parent.include_router(child, dependencies=[...])`` in one file, with the parent's own dependencies."""
    wiring: Wiring = {}
    resolver = module.resolver
    for call in calls_named(module.chunks, _INCLUDE):
        node = call.node
        if type(node.func) is not ast.Attribute or node.func.attr != "include_router":
            continue
        child_expr = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "router"), None)
        if child_expr is None:
            continue
        child = router_name(child_expr, call.function, resolver)
        parent = router_name(node.func.value, call.function, resolver)
        if child is None or parent is None:
            continue
        refs = _listed(node, call.function, module, f"include:{child}")
        constructor = _constructor(node.func.value, call.function, module)
        if constructor is not None:
            refs += _listed(constructor, _owner(node.func.value, call.function), module, parent)
        wiring.setdefault(child, []).append((parent, refs))
    return wiring


_WORKSPACE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LIVE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def workspace_wiring(module: ModuleContext) -> Wiring:
    """Include edges of the whole workspace: this file's live ones, and those of files that call ``include_router``.

    Files are found by their text once per index, and re-read when their size
    or modification time changes. The modules that contribute are looked up
    in the index, so that cached results depend on them.
    """
    memo = _LIVE.get(module)
    if memo is not None:
        return memo
    wiring = module_wiring(module)
    _LIVE[module] = wiring
    index = module.index
    if index is None:
        return wiring
    state = _WORKSPACE.setdefault(index, {"candidates": None, "modules": {}})
    if state["candidates"] is None:
        state["candidates"] = [m for m, path in index.files.items() if _mentions_include(path)]
    own = module.symbols.module_name
    for name in state["candidates"]:
        if name == own:
            continue
        edges = _file_wiring(index, name, state["modules"])
        if edges:
            index.summary(name)  # record the dependency for result caches
            for child, parents in edges.items():
                wiring.setdefault(child, []).extend(parents)
    return wiring


def _mentions_include(path) -> bool:
    try:
        with open(path, "rb") as handle:
            return b"include_router" in handle.read()
    except OSError:
        return False


def _file_wiring(index: WorkspaceLookup, name: str, cache: dict) -> Wiring:
    path = index.files.get(name)
    if path is None:
        return {}
    try:
        stat = os.stat(path)
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        return {}
    cached = cache.get(name)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        text = open(path, encoding="utf-8").read()
    except (OSError, UnicodeDecodeError):
        return {}
    chunks = _wiring_chunks(text)
    symbols = ModuleSymbols.merge([c.facts for c in chunks], name, path.name == "__init__.py")
    context = ModuleContext(chunks, symbols, index.options_for(path), str(path), index=index)
    edges = module_wiring(context)
    cache[name] = (stamp, edges)
    return edges


_WIRING_STATEMENT = re.compile(r"^[ \t]*(?:from|import)[ \t]|include_router|APIRouter|FastAPI", re.M)


def _wiring_chunks(text: str) -> list[Chunk]:
    """The statements of a file that import, make routers or include them: all :func:`module_wiring` reads.

    A file that includes routers is often the application's largest (an
    app factory beside every route); parsing only these statements costs a
    fraction of the whole. Line numbers stay those of the file.
    """
    chunks = []
    for span in split_statements(text):
        if _WIRING_STATEMENT.search(text, span.start, span.end):
            chunks.append(parse_chunk_text("\n" * span.line + text[span.start : span.end], 0))
    return chunks
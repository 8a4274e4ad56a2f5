"""Is a call likely to be slow on the event loop?

An ``async def`` route that never awaits runs entirely on the loop. That is
the fastest choice when its body only builds data (no thread hop), and the
wrong one when it does I/O. A call counts as costly only on evidence:

- it blocks (category 1: directly or through a sync helper of this file);
- it is a method of an injected resource: a parameter FastAPI fills with
  ``Depends`` whose name or type says session, connection, client,
  repository, service, store or cache (``db.query(...)``,
  ``service.create(...)``);
- it hands such a resource to another function (``crud.get_items(db)``);
- it calls a sync function of this file that does any of the above;
- it loops a number of times the request decides: ``range(n)`` of a request
  value, or a loop over a request's list that calls something or loops again
  (``sum(i * i for i in range(n))`` is CPU work for as long as the client
  asks).

Not evidence: calls we cannot see into (a helper in another module called
with plain values, a logger, a response class); calling an ``async def`` or
a generator function, which runs none of its body (an async generator handed
to ``StreamingResponse`` is iterated, and awaited, by the response);
constructing an object around an injected resource (``Service(session)``)
unless its ``__init__`` blocks; and resources of an async type
(``AsyncSession``, ``redis.asyncio.Redis``): a function that never awaits
cannot do I/O through them.
"""

from __future__ import annotations

import ast
import re

from ..catalog import ASYNC_CLIENTS, ASYNC_METHODS, CHEAP_CALLS, CHEAP_MODULES, EXPENSIVE_BUILTINS
from ..frameworks.fastapi import depends_target
from ..names.dotted import attribute_chain
from ..names.resolve import Resolver
from ..names.exports import ClassExport, FunctionExport
from ..names.values import Instance, Ref
from ..source.facts import CallSite, FunctionInfo
from .blocking import BlockingAnalysis, short_circuited

_MAX_DEPTH = 3
# Methods an injected value may call cheaply: those of a Pydantic model.
_VALUE_METHODS = frozenset({"model_dump", "model_dump_json", "model_copy", "dict", "json", "copy"})


class CostModel:
    def __init__(self, resolver: Resolver, blocking: BlockingAnalysis) -> None:
        self.resolver = resolver
        self.blocking = blocking
        self._functions: dict[int, CallSite | None] = {}
        self._resources: dict[int, frozenset[str]] = {}

    def costliest_call(self, fn: FunctionInfo) -> CallSite | None:
        """The call to name when ``fn``'s own body is likely slow: the most direct evidence first.

        A catalogued blocking call (``requests.get``) is named over a method
        of an injected resource (``db.query``), and both over a call that only
        hands a resource on (``render(db.query(...))`` names ``db.query``).
        """
        if self.first_costly_call(fn) is None:
            return None
        calls = [c for c in fn.calls if not (c.in_lambda or c.awaited)]
        for call in calls:
            if self.blocking.reasons(call):
                return call
        resources = self.injected_resources(fn)
        for call in calls:
            func = call.node.func
            if type(func) is ast.Attribute and _root_name(func.value) in resources and self.is_costly(call):
                return call
        return self.first_costly_call(fn)

    def request_sized_loop(self, fn: FunctionInfo) -> ast.expr | None:
        """The iterable of a loop whose length the request decides and whose body does work, if any."""
        given = self.request_values(fn)
        if not given:
            return None
        for node in _own_nodes(fn.node):
            nested = False
            if type(node) in (ast.For, ast.AsyncFor):
                iterable, body = node.iter, node.body
            elif type(node) in _COMPREHENSIONS:
                iterable = node.generators[0].iter
                body = [node.key, node.value] if type(node) is ast.DictComp else [node.elt]
                body += [c for g in node.generators for c in g.ifs]
                nested = len(node.generators) > 1  # ``for x in a for y in b``: a loop in the loop
            else:
                continue
            if _ranged_by(iterable, given, self.resolver, fn):
                return iterable
            if _mentions_any(iterable, given) and (nested or _does_work(body, node, self.resolver, fn)):
                return iterable
        return None

    def request_values(self, fn: FunctionInfo) -> frozenset[str]:
        """Parameters the client fills: path, query and body values (not injected ones, not the request)."""
        names = []
        for position, (name, param) in enumerate(fn.params.items()):
            if position == 0 and fn.class_name is not None:
                continue
            if _injected(param, fn, self.resolver):
                continue
            annotated = self.resolver.annotation_type(param.annotation, fn.parent) if param.annotation is not None else None
            if annotated and annotated.rpartition(".")[2] in _FRAMEWORK_PARAMS:
                continue
            names.append(name)
        return frozenset(names)

    def first_costly_call(self, fn: FunctionInfo, depth: int = 0) -> CallSite | None:
        """The first call in ``fn``'s own body that is likely slow (None: none is)."""
        key = id(fn)
        if key in self._functions:
            return self._functions[key]
        self._functions[key] = None  # a cycle is not evidence
        found = None
        guarded = short_circuited(fn) if depth else set()
        for call in fn.calls:
            if call.in_lambda or call.awaited:
                continue
            if depth and (call.conditional or call.in_handler or id(call.node) in guarded):
                continue  # a helper counts by what it does on every call, as in the blocking analysis
            if self.is_costly(call, depth):
                found = call
                break
        self._functions[key] = found
        return found

    def is_costly(self, call: CallSite, depth: int = 0) -> bool:
        if self.blocking.reasons(call):
            return True
        fn = call.function
        if fn is None:
            return False
        callee = self.resolver.value_of(call.node.func, fn)
        if type(callee) is Ref and (self._runs_nothing(callee.qualname) or self._cheap_constructor(callee.qualname, depth)):
            return False
        resources = self.injected_resources(fn)
        func = call.node.func
        if resources:
            if type(func) is ast.Attribute and _root_name(func.value) in resources:
                return func.attr not in _VALUE_METHODS
            for argument in [*call.node.args, *(k.value for k in call.node.keywords)]:
                if _root_name(argument) in resources and not self._harmless_callee(call):
                    return True
        value = self.resolver.value_of(func, fn)
        if type(value) is Ref and depth < _MAX_DEPTH:
            local = self.resolver.local_function(value.qualname)
            if local is not None and not local.is_async and not local.is_generator and not self.blocking.memoized(local):
                return self.first_costly_call(local, depth + 1) is not None
        return False

    def injected_resources(self, fn: FunctionInfo) -> frozenset[str]:
        """Parameters FastAPI injects that look like I/O resources (sessions, clients, services)."""
        key = id(fn)
        cached = self._resources.get(key)
        if cached is None:
            cached = frozenset(
                name for name, param in fn.params.items() if _injected(param, fn, self.resolver) and self._resource_like(name, param, fn)
            )
            self._resources[key] = cached
        return cached

    def _resource_like(self, name: str, param, fn: FunctionInfo) -> bool:
        annotated = self.resolver.annotation_type(param.annotation, fn.parent) if param.annotation is not None else None
        if annotated is None:
            value = self.resolver.param_value(fn, name)
            annotated = value.type if type(value) is Instance else None
        if annotated and _async_type(annotated):
            return False  # without an ``await``, nothing can be done through it
        if _RESOURCE_NAME.search(name):
            return True
        if annotated:
            return bool(_RESOURCE_TYPE.search(annotated.rpartition(".")[2])) or annotated.startswith(_RESOURCE_LIBRARIES)
        return False

    def _runs_nothing(self, qualname: str) -> bool:
        """Calling an ``async def`` or a generator function only makes a coroutine or a generator."""
        local = self.resolver.local_function(qualname)
        if local is not None:
            return local.is_async or local.is_generator
        index = self.resolver.index
        if index is None or qualname.startswith(self.resolver.module.qualify("")):
            return False
        found = index.lookup(qualname)
        return isinstance(found, FunctionExport) and (found.is_async or found.is_generator)

    def _cheap_constructor(self, qualname: str, depth: int) -> bool:
        """A class called: cheap unless its ``__init__`` blocks or does I/O (then it is evidence)."""
        klass = self.resolver.local_class(qualname)
        if klass is not None:
            init = klass.methods.get("__init__")
            if init is None:
                return True
            return not self.blocking.function_reasons(init) and (depth >= _MAX_DEPTH or self.first_costly_call(init, depth + 1) is None)
        index = self.resolver.index
        if index is not None and not qualname.startswith(self.resolver.module.qualify("")):
            found = index.lookup(qualname)
            if isinstance(found, ClassExport):
                init = found.methods.get("__init__")
                return init is None or not init.blocking
            if found is not None:
                return False
        last = qualname.rpartition(".")[2]
        return not qualname.startswith("builtins.") and last[:1].isupper() and not last.isupper()

    def _harmless_callee(self, call: CallSite) -> bool:
        value = self.resolver.value_of(call.node.func, call.function)
        if type(value) is not Ref:
            return False
        qualname = value.qualname
        if qualname.startswith("builtins."):
            return qualname not in EXPENSIVE_BUILTINS
        return qualname in CHEAP_CALLS or _cheap_module(qualname)


# The last word of a parameter name (``db``, ``user_service``) or class name
# (``OrderRepository``) that says "this object does I/O".
_RESOURCE_WORDS = "db|session|sess|conn|connection|client|repo|repository|service|svc|store|dao|crud|cursor|engine|redis|cache|storage|manager|uow|unitofwork"
_RESOURCE_NAME = re.compile(rf"(?i)(?:^|_)(?:{_RESOURCE_WORDS})$")
_RESOURCE_TYPE = re.compile(rf"(?:{_RESOURCE_WORDS})$", re.IGNORECASE)
_RESOURCE_LIBRARIES = ("sqlalchemy", "sqlmodel", "redis", "pymongo", "motor", "psycopg", "asyncpg", "boto", "httpx", "requests")


_ASYNC_PREFIXES = ("sqlalchemy.ext.asyncio.", "redis.asyncio.", "motor.", "aiohttp.", "asyncpg.", "aioredis.", "aioboto3.", "databases.")
_FRAMEWORK_PARAMS = frozenset({"Request", "WebSocket", "HTTPConnection", "BackgroundTasks", "Response"})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_SIZERS = frozenset({"builtins.range"})
_CHEAP_IN_LOOPS = frozenset(
    "builtins.len builtins.str builtins.int builtins.float builtins.bool builtins.repr builtins.isinstance "
    "builtins.getattr builtins.hasattr builtins.min builtins.max builtins.abs builtins.round".split()
)


def _async_type(type_name: str) -> bool:
    return type_name in ASYNC_METHODS or type_name in ASYNC_CLIENTS or type_name.startswith(_ASYNC_PREFIXES)


def _own_nodes(fn_node: ast.AST):
    """The nodes of a function's own body, not of the functions and classes nested in it."""
    stack = list(getattr(fn_node, "body", []))
    while stack:
        node = stack.pop()
        if type(node) in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _mentions_any(expr: ast.expr, names: frozenset[str]) -> bool:
    return any(type(n) is ast.Name and n.id in names for n in ast.walk(expr))


def _ranged_by(iterable: ast.expr, given: frozenset[str], resolver: Resolver, fn: FunctionInfo) -> bool:
    """``range(n)``, ``range(0, body.count)``: as many turns as the client asks for."""
    if type(iterable) is not ast.Call:
        return False
    value = resolver.value_of(iterable.func, fn)
    if type(value) is not Ref:
        return False
    if value.qualname in _SIZERS:
        return any(_mentions_any(a, given) for a in iterable.args)
    if value.qualname in ("builtins.enumerate", "builtins.reversed", "builtins.sorted", "builtins.zip") and iterable.args:
        return any(_ranged_by(a, given, resolver, fn) for a in iterable.args)
    return False


def _does_work(body: list[ast.AST], loop: ast.AST, resolver: Resolver, fn: FunctionInfo) -> bool:
    """Another loop, or a call of a known function that is not a builtin or a constructor, in a loop's body."""
    for statement in body:
        for node in ast.walk(statement):
            if node is loop:
                continue
            if type(node) in (ast.For, ast.AsyncFor, ast.While, *_COMPREHENSIONS):
                return True
            if type(node) is not ast.Call:
                continue
            value = resolver.value_of(node.func, fn)
            if type(value) is not Ref:
                continue  # ``item.name.title()``: a method of an item, most often a cheap one
            qualname = value.qualname
            if qualname in _CHEAP_IN_LOOPS or _cheap_module(qualname) or qualname.startswith("builtins."):
                continue
            if qualname.rpartition(".")[2][:1].isupper():
                continue  # ``Item(**row)``: building the response
            return True
    return False


def _root_name(expr: ast.expr) -> str | None:
    root = attribute_chain(expr)[0]
    return root.id if type(root) is ast.Name else None


def _cheap_module(qualname: str) -> bool:
    for module in CHEAP_MODULES:
        if qualname == module or qualname.startswith(module + "."):
            return True
    return False


def _injected(param, fn: FunctionInfo, resolver: Resolver) -> bool:
    """True if FastAPI fills ``param`` through ``Depends``/``Security``."""
    if param.default is not None and depends_target(param.default, fn.parent, resolver) is not None:
        return True
    annotation = param.annotation
    if type(annotation) is ast.Subscript and type(annotation.slice) is ast.Tuple:
        return any(depends_target(e, fn.parent, resolver) is not None for e in annotation.slice.elts[1:])
    if type(annotation) is ast.Name:
        binding = resolver.module.bindings.get(annotation.id)
        if binding is not None and type(binding.value) is ast.Subscript and type(binding.value.slice) is ast.Tuple:
            return any(depends_target(e, None, resolver) is not None for e in binding.value.slice.elts[1:])
    return False

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
- it calls a sync function of this file that does any of the above.

Calls we cannot see into (a helper in another module called with plain
values, a logger, a response class) are not evidence, so they stay quiet.
"""

from __future__ import annotations

import ast
import re

from . import catalog
from .blocking import BlockingAnalysis
from .facts import CallSite, FunctionInfo
from .fastapi_model import depends_target
from .resolve import Ref, Resolver

_MAX_DEPTH = 3
# Methods an injected value may call cheaply: those of a Pydantic model.
_VALUE_METHODS = frozenset({"model_dump", "model_dump_json", "model_copy", "dict", "json", "copy"})


class CostModel:
    def __init__(self, resolver: Resolver, blocking: BlockingAnalysis) -> None:
        self.resolver = resolver
        self.blocking = blocking
        self._functions: dict[int, CallSite | None] = {}
        self._resources: dict[int, frozenset[str]] = {}

    def first_costly_call(self, fn: FunctionInfo, depth: int = 0) -> CallSite | None:
        """The first call in ``fn``'s own body that is likely slow (None: none is)."""
        key = id(fn)
        if key in self._functions:
            return self._functions[key]
        self._functions[key] = None  # a cycle is not evidence
        found = None
        for call in fn.calls:
            if call.in_lambda or call.awaited:
                continue
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
            if local is not None and not local.is_async and not local.is_generator:
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
        if _RESOURCE_NAME.search(name):
            return True
        annotated = self.resolver.annotation_type(param.annotation, fn.parent) if param.annotation is not None else None
        if annotated:
            return bool(_RESOURCE_TYPE.search(annotated.rpartition(".")[2])) or annotated.startswith(_RESOURCE_LIBRARIES)
        return False

    def _harmless_callee(self, call: CallSite) -> bool:
        value = self.resolver.value_of(call.node.func, call.function)
        if type(value) is not Ref:
            return False
        qualname = value.qualname
        if qualname.startswith("builtins."):
            return qualname not in catalog.EXPENSIVE_BUILTINS
        return qualname in catalog.CHEAP_CALLS or _cheap_module(qualname)


# The last word of a parameter name (``db``, ``user_service``) or class name
# (``OrderRepository``) that says "this object does I/O".
_RESOURCE_WORDS = "db|session|sess|conn|connection|client|repo|repository|service|svc|store|dao|crud|cursor|engine|redis|cache|storage|manager|uow|unitofwork"
_RESOURCE_NAME = re.compile(rf"(?i)(?:^|_)(?:{_RESOURCE_WORDS})$")
_RESOURCE_TYPE = re.compile(rf"(?:{_RESOURCE_WORDS})$", re.IGNORECASE)
_RESOURCE_LIBRARIES = ("sqlalchemy", "sqlmodel", "redis", "pymongo", "motor", "psycopg", "asyncpg", "boto", "httpx", "requests")


def _root_name(expr: ast.expr) -> str | None:
    while type(expr) is ast.Attribute:
        expr = expr.value
    return expr.id if type(expr) is ast.Name else None


def _cheap_module(qualname: str) -> bool:
    for module in catalog.CHEAP_MODULES:
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

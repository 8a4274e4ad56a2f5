"""Is a call cheap enough to make on the event loop?

An ``async def`` route that never awaits runs entirely on the loop. That is
the fastest choice when its body only builds data (no thread hop), and the
wrong one when it calls code that may block or take long. Cheap means: a
builtin, a call into a module of in-memory helpers, a method of a common
value type, constructing a class of this file, or a function of this file
whose own calls are all cheap. Calls into other workspace modules and
third-party libraries, and methods of injected dependencies, are not known
to be cheap.
"""

from __future__ import annotations

import ast

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

    def first_costly_call(self, fn: FunctionInfo, depth: int = 0) -> CallSite | None:
        """The first call in ``fn``'s own body not known to be cheap (None: all cheap)."""
        key = id(fn)
        if key in self._functions:
            return self._functions[key]
        self._functions[key] = None  # cycles count as cheap
        found = None
        for call in fn.calls:
            if call.in_lambda or call.awaited:
                continue
            if not self.is_cheap(call, depth):
                found = call
                break
        self._functions[key] = found
        return found

    def is_cheap(self, call: CallSite, depth: int = 0) -> bool:
        if self.blocking.reasons(call):
            return False
        fn = call.function
        func = call.node.func
        value = self.resolver.value_of(func, fn)
        if type(value) is Ref:
            return self._cheap_name(value.qualname, depth)
        # A method of something we cannot name: cheap, unless FastAPI injects
        # the receiver (a service, repository or session from ``Depends``).
        if type(func) is ast.Attribute and fn is not None and _injected_root(func.value, fn, self.resolver):
            return func.attr in _VALUE_METHODS
        return True

    def _cheap_name(self, qualname: str, depth: int) -> bool:
        if qualname.startswith("builtins."):
            return qualname not in catalog.EXPENSIVE_BUILTINS
        if qualname in catalog.CHEAP_CALLS or _cheap_module(qualname):
            return True
        if self.resolver.local_class(qualname) is not None:
            return True
        local = self.resolver.local_function(qualname)
        if local is None and self.resolver.local_class(qualname.rpartition(".")[0]) is not None:
            return True  # inherited from a base such as BaseModel
        if local is not None:
            if local.is_async or local.is_generator:
                return True  # calling it runs nothing yet
            if depth >= _MAX_DEPTH:
                return False
            return self.first_costly_call(local, depth + 1) is None
        return False


def _cheap_module(qualname: str) -> bool:
    for module in catalog.CHEAP_MODULES:
        if qualname == module or qualname.startswith(module + "."):
            return True
    return False


def _injected_root(expr: ast.expr, fn: FunctionInfo, resolver: Resolver) -> bool:
    """True if ``expr`` starts at a parameter FastAPI injects with ``Depends``."""
    while type(expr) is ast.Attribute:
        expr = expr.value
    if type(expr) is not ast.Name or expr.id not in fn.params:
        return False
    param = fn.params[expr.id]
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

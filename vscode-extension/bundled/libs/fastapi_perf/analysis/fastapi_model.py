"""FastAPI's own vocabulary: which functions are routes and which are dependencies.

Routers are recognised by their constructor (``app = FastAPI()``,
``router = APIRouter()``, a parameter annotated ``APIRouter``), so routes
inside factory functions and class-based views are found too. A receiver
imported from another module is accepted when the decorator has the shape
of a route: an HTTP verb and a literal path.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .facts import FunctionInfo
from .resolve import Instance, Ref, Resolver
from .symbols import ModuleSymbols

ROUTER_TYPES = frozenset({"fastapi.FastAPI", "fastapi.APIRouter"})
HTTP_METHODS = ("get", "post", "put", "patch", "delete", "options", "head", "trace")
ROUTE_DECORATORS = frozenset((*HTTP_METHODS, "api_route", "websocket"))


@dataclass(frozen=True, slots=True)
class Route:
    function: FunctionInfo
    methods: tuple[str, ...]
    path: str | None
    decorator: ast.Call | None
    websocket: bool = False


def route_of(fn: FunctionInfo, resolver: Resolver) -> Route | None:
    for decorator in fn.node.decorator_list:
        if type(decorator) is not ast.Call or type(decorator.func) is not ast.Attribute:
            continue
        attr = decorator.func.attr
        if attr not in ROUTE_DECORATORS:
            continue
        path = _path_argument(decorator)
        receiver = resolver.value_of(decorator.func.value, fn.parent)
        if type(receiver) is Instance:
            if receiver.type not in ROUTER_TYPES:
                continue
        elif path is None or not (path == "" or path.startswith("/")):
            continue  # unknown receiver: only a verb with a literal path looks like a route
        elif type(receiver) is Ref and receiver.qualname.startswith("builtins."):
            continue
        return Route(fn, _methods(attr, decorator), path, decorator, websocket=attr == "websocket")
    if fn.parent is None and fn.class_name is None and fn.name in resolver.module.registered_routes:
        return Route(fn, ("GET",), None, None)
    return None


def _path_argument(call: ast.Call) -> str | None:
    node = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "path"), None)
    if type(node) is ast.Constant and isinstance(node.value, str):
        return node.value
    return None


def _methods(attr: str, call: ast.Call) -> tuple[str, ...]:
    if attr in HTTP_METHODS:
        return (attr.upper(),)
    if attr == "websocket":
        return ()
    for keyword in call.keywords:
        if keyword.arg == "methods" and type(keyword.value) in (ast.List, ast.Tuple, ast.Set):
            return tuple(
                e.value.upper() for e in keyword.value.elts if type(e) is ast.Constant and isinstance(e.value, str)
            )
    return ("GET",)


def depends_target(expr: ast.expr | None, fn: FunctionInfo | None, resolver: Resolver) -> ast.expr | None | bool:
    """For ``Depends(x)``/``Security(x)`` return ``x``; ``True`` for a bare ``Depends()``; else None."""
    return resolver.depends_target(expr, fn)


def has_dependency_params(fn: FunctionInfo, resolver: Resolver) -> bool:
    for param in fn.params.values():
        if param.default is not None and depends_target(param.default, fn.parent, resolver) is not None:
            return True
        annotation = param.annotation
        if type(annotation) is ast.Subscript:
            inner = annotation.slice
            for element in inner.elts if type(inner) is ast.Tuple else ():
                if depends_target(element, fn.parent, resolver) is not None:
                    return True
        elif type(annotation) is ast.Name and _is_depends_alias(annotation.id, resolver):
            return True
    return False


def _is_depends_alias(name: str, resolver: Resolver) -> bool:
    binding = resolver.module.bindings.get(name)
    if binding is None or binding.kind != "var" or type(binding.value) is not ast.Subscript:
        return False
    inner = binding.value.slice
    return any(depends_target(e, None, resolver) is not None for e in (inner.elts if type(inner) is ast.Tuple else ()))


def is_dependency(fn: FunctionInfo, resolver: Resolver, module: ModuleSymbols) -> bool:
    """A callable FastAPI calls per request through ``Depends``/``Security``."""
    top = fn.parent is None and fn.class_name is None
    if top and fn.name in module.dependency_names:
        return True
    if fn.parent is not None and fn.parent.parent is None and fn.parent.name in module.dependency_names:
        return fn.name in fn.parent.referenced  # a closure the factory returns
    return has_dependency_params(fn, resolver) and route_of(fn, resolver) is None

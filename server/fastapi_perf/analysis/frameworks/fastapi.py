"""FastAPI's own vocabulary: which functions are routes and which are dependencies.

Routers are recognised by their type (``app = FastAPI()``, ``router =
APIRouter()``, a parameter annotated ``APIRouter``, what a router factory
returns, a project subclass of either, in this file or another), so routes
inside factory functions and class-based views are found too. A decorator
is a route's when it is a router's verb (``@router.get``), or a method of a
router subclass that returns one (``@router.secure_get``); one called by
hand registers a route too (``app.get(path)(fn)``, ``add_api_route(path,
self.list)``). A receiver of unknown type is accepted when the decorator
has the shape of a route: an HTTP verb and a path (a literal, an f-string or
a module constant).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..names.resolve import Resolver
from ..names.symbols import ModuleSymbols
from ..names.values import Instance, Ref
from ..source.facts import FunctionInfo

ROUTER_TYPES = frozenset({"fastapi.FastAPI", "fastapi.APIRouter"})
ROUTE_DECORATOR_TYPE = "fastapi.RouteDecorator"
"""What a router's verb returns (the catalogue says so): a method returning one is a route decorator too."""
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
        receiver = resolver.value_of(decorator.func.value, fn.parent)
        if attr not in ROUTE_DECORATORS:
            if type(receiver) is Instance and _custom_route_decorator(decorator, fn, resolver):
                return Route(fn, _verb_in(attr), _path_argument(decorator, fn, resolver), decorator)
            continue
        path = _path_argument(decorator, fn, resolver)
        if type(receiver) is Instance:
            if not resolver.is_subclass(receiver.type, ROUTER_TYPES):
                continue
        elif path is None or not (path == "" or path.startswith("/")):
            continue  # unknown receiver: only a verb with a path looks like a route
        elif type(receiver) is Ref and receiver.qualname.startswith("builtins."):
            continue
        return Route(fn, _methods(attr, decorator), path, decorator, websocket=attr == "websocket")
    registered = resolver.module.registered_routes
    if registered and (fn.qualname in registered if fn.class_name is not None else fn.parent is None and fn.name in registered):
        return Route(fn, ("GET",), None, None)
    return None


def route_shaped(fn: FunctionInfo) -> bool:
    """Decorated like a route (``@<something>.get(...)``), whatever the receiver: never call it a dependency."""
    return any(
        type(d) is ast.Call and type(d.func) is ast.Attribute and d.func.attr in ROUTE_DECORATORS for d in fn.node.decorator_list
    )


def _custom_route_decorator(decorator: ast.Call, fn: FunctionInfo, resolver: Resolver) -> bool:
    """``@router.secure_get("/x")``: a method of a router subclass that returns the router's own decorator."""
    made = resolver.value_of(decorator, fn.parent)
    return type(made) is Instance and made.type == ROUTE_DECORATOR_TYPE


def _verb_in(name: str) -> tuple[str, ...]:
    words = set(name.lower().split("_"))
    return tuple(verb.upper() for verb in HTTP_METHODS if verb in words)


def _path_argument(call: ast.Call, fn: FunctionInfo | None = None, resolver: Resolver | None = None) -> str | None:
    """The route's path: a literal, the literal start of an f-string, or a string constant of the module."""
    node = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "path"), None)
    if type(node) is ast.Constant and isinstance(node.value, str):
        return node.value
    if type(node) is ast.JoinedStr and node.values:
        first = node.values[0]
        if type(first) is ast.Constant and isinstance(first.value, str):
            return first.value
        return "/"  # f"{PREFIX}/items": where the prefix comes from does not matter here
    if type(node) is ast.Name and resolver is not None and not any(
        scope.binds_locally(node.id) for scope in _scopes(fn)
    ):
        binding = resolver.module.bindings.get(node.id)
        value = binding.value if binding is not None and binding.kind == "var" else None
        if type(value) is ast.Constant and isinstance(value.value, str):
            return value.value
    return None


def _scopes(fn: FunctionInfo | None):
    while fn is not None:
        yield fn
        fn = fn.parent


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
    return has_dependency_params(fn, resolver) and not route_shaped(fn) and route_of(fn, resolver) is None

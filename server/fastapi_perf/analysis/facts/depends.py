"""What a ``Depends(...)``/``Security(...)`` refers to, and the key FastAPI caches its value under."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..names.dotted import attribute_chain
from ..names.exports import Alias
from ..names.values import Instance, Ref
from ..source.facts import FunctionInfo
from .common import call_label, scopes, workspace_name

if TYPE_CHECKING:
    from .module_context import ModuleContext

_DEPENDS_NAMES = frozenset({"fastapi.Depends", "fastapi.Security"})


@dataclass(frozen=True, slots=True)
class DepRef:
    """One ``Depends(x)``: what FastAPI will call, and the key it caches the value under."""

    identity: str
    """Equal identities share one value per request: a function or class by name, an instance by object."""
    target: str | None
    """The function or class qualified name, or the instance's type; None when unknown."""
    kind: str
    """``function``, ``class`` (called to make an instance), ``instance`` (its ``__call__``) or ``unknown``."""
    label: str
    security: bool = False
    """``Security(...)`` or a ``fastapi.security`` scheme: the request is authenticated."""
    value_type: str | None = None
    """The type the parameter or alias declares for the injected value (``AsyncSession``)."""
    options: tuple[DepRef, ...] = ()
    """For ``kind="either"`` (``Depends(a if flag else b)``): the callables one of which FastAPI runs."""


def param_dependency(fn: FunctionInfo, name: str, module: ModuleContext) -> DepRef | None:
    """The dependency FastAPI injects into parameter ``name`` of ``fn``, if any."""
    resolver = module.resolver
    param = fn.params[name]
    scope = fn.parent
    annotation = param.annotation
    if param.default is not None:
        call = depends_call(param.default, scope, module)
        if call is not None:
            return depends_ref(call, scope, module, annotation, f"{fn.qualname}({name})")
    if type(annotation) is ast.Subscript and type(annotation.slice) is ast.Tuple:
        for element in annotation.slice.elts[1:]:
            call = depends_call(element, scope, module)
            if call is not None:
                return depends_ref(call, scope, module, annotation.slice.elts[0], f"{fn.qualname}({name})")
    if type(annotation) in (ast.Name, ast.Attribute):
        if type(annotation) is ast.Name and not any(s.binds_locally(annotation.id) for s in scopes(scope)):
            binding = module.symbols.bindings.get(annotation.id)
            if binding is not None and binding.kind == "var":
                return alias_dependency(annotation.id, module)
        value = resolver.value_of(annotation, scope)
        if type(value) is Ref and module.index is not None and not module.is_own(value.qualname):
            found = module.index.lookup(value.qualname)
            if isinstance(found, Alias):
                return getattr(found, "dependency", None)
    return None


def alias_dependency(name: str, module: ModuleContext) -> DepRef | None:
    """``CurrentUser = Annotated[User, Depends(get_current_user)]``: the dependency a module-level alias carries."""
    binding = module.symbols.bindings.get(name)
    if binding is None or binding.kind != "var" or type(binding.value) is not ast.Subscript:
        return None
    if type(binding.value.slice) is not ast.Tuple:
        return None
    elements = binding.value.slice.elts
    for element in elements[1:]:
        call = depends_call(element, None, module)
        if call is not None:
            return depends_ref(call, None, module, elements[0], name)
    return None


def depends_call(expr: ast.expr, scope: FunctionInfo | None, module: ModuleContext) -> ast.Call | None:
    if type(expr) is not ast.Call:
        return None
    callee = module.resolver.value_of(expr.func, scope)
    return expr if type(callee) is Ref and callee.qualname in _DEPENDS_NAMES else None


def depends_ref(
    call: ast.Call, scope: FunctionInfo | None, module: ModuleContext, annotation: ast.expr | None = None, place: str = ""
) -> DepRef | None:
    """The :class:`DepRef` of a ``Depends(x)``/``Security(x)`` call (a bare ``Depends()`` uses the annotation).

    ``place`` names where the call is written (a parameter, an alias): with
    the module and the call's position it tells inline instances apart.
    """
    resolver = module.resolver
    security = resolver.callee(call, scope) == "fastapi.Security"
    target = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "dependency"), None)
    if target is None:
        target = annotation
    if target is None:
        return None
    no_cache = any(k.arg == "use_cache" and type(k.value) is ast.Constant and k.value.value is False for k in call.keywords)
    value = resolver.value_of(target, scope)
    label = call_label(target) + ("()" if type(target) is ast.Call else "")
    where = f"@{module.symbols.module_name}:{place}:{call.lineno}:{call.col_offset}"
    declared = resolver.annotation_type(annotation, scope) if annotation is not None else None
    arms = _alternatives(target, scope) if value is None else None
    if arms is not None:
        options = tuple(_callable_ref(arm, arm_scope, module, security, declared) for arm, arm_scope in arms)
        if all(o.kind in ("function", "class") for o in options):
            identity = "either(" + "|".join(sorted(o.identity for o in options)) + ")"
            return DepRef(identity, None, "either", label, security, declared, options)
    if type(value) is Ref and type(target) is ast.Call:
        # ``Depends(require(Permission.X))``: the factory makes a new closure per call, cached apart
        name = workspace_name(value.qualname, module)
        ref = DepRef(f"{name}(){where}", name, "function", label, security, declared)
    elif type(value) is Instance:
        security = security or value.type.startswith("fastapi.security.")
        identity = f"{value.type}(){where}" if type(target) is ast.Call else _name_identity(target, scope, module)
        ref = DepRef(identity or f"{value.type}{where}", value.type, "instance", label, security, declared)
    elif type(value) is Ref:
        is_class = resolver.local_class(value.qualname) is not None or (
            module.index is not None and not module.is_own(value.qualname) and module.index.class_of(value.qualname) is not None
        )
        security = security or value.qualname.startswith("fastapi.security.")
        name = workspace_name(value.qualname, module)
        ref = DepRef(name, name, "class" if is_class else "function", label, security, declared)
    else:
        ref = DepRef(f"?{label}{where}", None, "unknown", label, security, declared)
    # FastAPI's cache key is (callable, OAuth scopes when it uses them, scope): ``scope="function"``
    # and the default are two entries, so two values per request.
    scopes = [
        k.value.value
        for k in call.keywords
        if k.arg == "scope" and type(k.value) is ast.Constant and k.value.value not in (None, "request")
    ]
    suffix = "".join(f"|scope={scope}" for scope in scopes)
    label = ref.label + "".join(f', scope="{scope}"' for scope in scopes)
    if no_cache:
        suffix += where + ":nocache"
        label += ", use_cache=False"
    if suffix:
        ref = DepRef(ref.identity + suffix, ref.target, ref.kind, label, ref.security, ref.value_type, ref.options)
    return ref


def _callable_ref(expr: ast.expr, scope: FunctionInfo | None, module: ModuleContext, security: bool, declared: str | None) -> DepRef:
    """One arm of ``a if flag else b``: the function or class it names."""
    value = module.resolver.value_of(expr, scope)
    label = call_label(expr)
    if type(value) is not Ref:
        return DepRef(f"?{label}", None, "unknown", label, security, declared)
    resolver = module.resolver
    is_class = resolver.local_class(value.qualname) is not None or (
        module.index is not None and not module.is_own(value.qualname) and module.index.class_of(value.qualname) is not None
    )
    name = workspace_name(value.qualname, module)
    return DepRef(name, name, "class" if is_class else "function", label, security, declared)


def _alternatives(expr: ast.expr, scope: FunctionInfo | None) -> list[tuple[ast.expr, FunctionInfo | None]] | None:
    """The arms of ``a if flag else b``, written inline or bound to a name of an enclosing function."""
    if type(expr) is ast.IfExp:
        return [(expr.body, scope), (expr.orelse, scope)]
    if type(expr) is ast.Name:
        for fn in scopes(scope):
            if expr.id in fn.assigned:
                values = fn.assigned[expr.id]
                if len(values) == 1 and type(values[0]) is ast.IfExp:
                    return [(values[0].body, fn), (values[0].orelse, fn)]
                return None
    return None


def _name_identity(expr: ast.expr, scope: FunctionInfo | None, module: ModuleContext) -> str | None:
    """``auth`` (a module-level instance) -> ``app.deps.auth``: one object, one cached value."""
    expr, attrs = attribute_chain(expr)
    if type(expr) is not ast.Name:
        return None
    if scope is not None and any(s.binds_locally(expr.id) for s in scopes(scope)):
        return None
    binding = module.symbols.bindings.get(expr.id)
    if binding is None:
        return None
    head = module.symbols.absolute_import(binding.target) if binding.kind == "import" else module.symbols.qualify(expr.id)
    return workspace_name(".".join([head, *attrs]), module)

"""Answer "what is this name, call or parameter?" from imports and annotations.

The cheap, exact path: a name is looked up in the enclosing functions'
locals, then the module's bindings, then builtins. Imports give qualified
names (``r.get`` after ``import requests as r`` is ``requests.get``);
constructor calls and annotations give instance types (``client =
httpx.Client()`` makes ``client.get`` mean ``httpx.Client.get``). Anything
else is *unknown*, and rules stay silent on unknowns.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

from . import catalog
from .facts import FunctionInfo
from .symbols import ModuleSymbols

_BUILTINS = frozenset(dir(builtins))
_MAX_DEPTH = 12


@dataclass(frozen=True, slots=True)
class Ref:
    """A named object: a module, class, function or attribute of one."""

    qualname: str


@dataclass(frozen=True, slots=True)
class Instance:
    """An instance of the class named ``type``."""

    type: str


Value = Ref | Instance | None


class Resolver:
    def __init__(self, module: ModuleSymbols) -> None:
        self.module = module
        self._module_values: dict[str, Value] = {}
        self._in_progress: set[str] = set()

    # -- names -----------------------------------------------------------
    def value_of(self, expr: ast.expr | None, fn: FunctionInfo | None, depth: int = 0) -> Value:
        if expr is None or depth > _MAX_DEPTH:
            return None
        kind = type(expr)
        if kind is ast.Name:
            return self.name_value(expr.id, fn, depth)
        if kind is ast.Attribute:
            base = self.value_of(expr.value, fn, depth + 1)
            if type(base) is Ref:
                return Ref(catalog.canonical(f"{base.qualname}.{expr.attr}"))
            if type(base) is Instance:
                member = f"{base.type}.{expr.attr}"
                attr_type = catalog.ATTRIBUTE_TYPES.get(member)
                return Instance(attr_type) if attr_type else Ref(member)
            return None
        if kind is ast.Call:
            return self.call_result(expr, fn, depth)
        if kind is ast.BinOp and type(expr.op) is ast.Div:
            left = self.value_of(expr.left, fn, depth + 1)
            if left == Instance("pathlib.Path") or left == Ref("pathlib.Path"):
                return Instance("pathlib.Path")
        if kind is ast.Await:
            return None
        return None

    def name_value(self, name: str, fn: FunctionInfo | None, depth: int = 0) -> Value:
        scope = fn
        while scope is not None:
            if name in scope.global_names:
                break
            if name in scope.imports:
                return Ref(catalog.canonical(self.module.absolute_import(scope.imports[name])))
            if name in scope.params:
                return self.param_value(scope, name, depth)
            if name in scope.assigned:
                values = scope.assigned[name]
                if values == [None]:
                    for nested in scope.nested:
                        if nested.name == name:
                            return Ref(self.module.qualify(nested.qualname))
                if len(values) != 1 or values[0] is None:
                    return None
                return self.value_of(values[0], scope, depth + 1)
            scope = scope.parent
        return self.module_value(name, depth)

    def module_value(self, name: str, depth: int = 0) -> Value:
        if name in self._module_values:
            return self._module_values[name]
        binding = self.module.bindings.get(name)
        if binding is None:
            value: Value = Ref(f"builtins.{name}") if name in _BUILTINS else None
        elif binding.kind == "import":
            value = Ref(catalog.canonical(self.module.absolute_import(binding.target)))
        elif binding.kind in ("function", "class"):
            value = Ref(self.module.qualify(name))
        else:
            if name in self._in_progress:
                return None
            self._in_progress.add(name)
            try:
                value = self.value_of(binding.value, None, depth + 1)
                if value is None and binding.annotation is not None:
                    annotated = self.annotation_type(binding.annotation, None)
                    value = Instance(annotated) if annotated else None
            finally:
                self._in_progress.discard(name)
        self._module_values[name] = value
        return value

    def param_value(self, fn: FunctionInfo, name: str, depth: int = 0) -> Value:
        param = fn.params[name]
        if fn.class_name is not None and param.node is _first_param(fn) and not _is_static(fn):
            klass = self.module.qualify(fn.qualname.rpartition(".")[0])
            return Ref(klass) if _is_classmethod(fn) else Instance(klass)
        if param.annotation is not None:
            annotated = self.annotation_type(param.annotation, fn.parent)
            if annotated:
                return Instance(annotated)
        return None

    # -- calls -----------------------------------------------------------
    def call_result(self, call: ast.Call, fn: FunctionInfo | None, depth: int = 0) -> Value:
        callee = self.value_of(call.func, fn, depth + 1)
        if type(callee) is not Ref:
            return None
        qualname = callee.qualname
        if qualname in catalog.CLASSES:
            return Instance(qualname)
        returned = catalog.RETURNS.get(qualname)
        if returned:
            return Instance(returned)
        local = self.local_class(qualname)
        if local is not None:
            return Instance(qualname)
        return None

    def callee(self, call: ast.Call, fn: FunctionInfo | None) -> str | None:
        """The qualified name a call invokes, or None when unknown."""
        value = self.value_of(call.func, fn)
        return value.qualname if type(value) is Ref else None

    # -- types -------------------------------------------------------------
    def annotation_type(self, annotation: ast.expr, fn: FunctionInfo | None) -> str | None:
        """The class an annotation names: ``Session``, ``Optional[Session]``, ``Annotated[Session, ...]``."""
        kind = type(annotation)
        if kind is ast.Constant and isinstance(annotation.value, str):
            try:
                parsed = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return None
            return self.annotation_type(parsed, fn)
        if kind is ast.Subscript:
            head = self.value_of(annotation.value, fn)
            head_name = head.qualname if type(head) is Ref else ""
            inner = annotation.slice
            if head_name in ("typing.Annotated", "typing_extensions.Annotated", "typing.Optional"):
                first = inner.elts[0] if type(inner) is ast.Tuple else inner
                return self.annotation_type(first, fn)
            if head_name == "typing.Union" and type(inner) is ast.Tuple:
                return self._union_type(inner.elts, fn)
            return None
        if kind is ast.BinOp and type(annotation.op) is ast.BitOr:
            return self._union_type([annotation.left, annotation.right], fn)
        value = self.value_of(annotation, fn)
        if type(value) is Ref:
            alias = self._alias_target(value.qualname)
            return alias or value.qualname
        return None

    def _union_type(self, members: list[ast.expr], fn: FunctionInfo | None) -> str | None:
        types = {
            self.annotation_type(m, fn)
            for m in members
            if not (type(m) is ast.Constant and m.value is None)
        }
        types.discard("builtins.None")
        return types.pop() if len(types) == 1 else None

    def _alias_target(self, qualname: str) -> str | None:
        """``SessionDep = Annotated[Session, Depends(get_db)]`` used as an annotation means ``Session``."""
        prefix = self.module.qualify("")
        if not qualname.startswith(prefix):
            return None
        binding = self.module.bindings.get(qualname[len(prefix):])
        if binding is None or binding.kind != "var" or binding.value is None:
            return None
        if type(binding.value) is ast.Subscript:
            return self.annotation_type(binding.value, None)
        return None

    def local_class(self, qualname: str):
        prefix = self.module.qualify("")
        if qualname.startswith(prefix):
            return self.module.classes.get(qualname[len(prefix):])
        return None

    def local_function(self, qualname: str) -> FunctionInfo | None:
        """The function of this file a qualified name refers to (methods and closures too)."""
        prefix = self.module.qualify("")
        if qualname.startswith(prefix):
            return self.module.all_functions.get(qualname[len(prefix):])
        return None


def _first_param(fn: FunctionInfo) -> ast.arg | None:
    args = fn.node.args
    positional = args.posonlyargs + args.args
    return positional[0] if positional else None


def _decorator_names(fn: FunctionInfo) -> set[str]:
    names = set()
    for decorator in fn.node.decorator_list:
        if type(decorator) is ast.Name:
            names.add(decorator.id)
        elif type(decorator) is ast.Attribute:
            names.add(decorator.attr)
    return names


def _is_static(fn: FunctionInfo) -> bool:
    return "staticmethod" in _decorator_names(fn)


def _is_classmethod(fn: FunctionInfo) -> bool:
    return "classmethod" in _decorator_names(fn)

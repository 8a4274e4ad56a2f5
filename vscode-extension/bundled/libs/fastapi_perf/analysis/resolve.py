"""Answer "what is this name, call or parameter?" from imports and annotations.

The cheap, exact path: a name is looked up in the enclosing functions'
locals, then the module's bindings, then builtins. Imports give qualified
names (``r.get`` after ``import requests as r`` is ``requests.get``);
constructor calls, annotations and ``Depends(...)`` give instance types
(``client = httpx.Client()`` makes ``client.get`` mean ``httpx.Client.get``;
``db = Depends(get_db)`` where ``get_db`` yields ``SessionLocal()`` makes
``db`` a ``Session``). Names from other files of the workspace are looked up
in the workspace index when there is one. Anything else is *unknown*, and
rules stay silent on unknowns.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import catalog
from .facts import ClassInfo, FunctionInfo
from .symbols import ModuleSymbols

if TYPE_CHECKING:
    from .workspace import WorkspaceIndex

_BUILTINS = frozenset(dir(builtins))
_MAX_DEPTH = 12
_DEPENDS = frozenset({"fastapi.Depends", "fastapi.Security"})
# Generic wrappers whose first argument is what a function really produces.
_UNWRAP = frozenset(
    """
    typing.Generator typing.Iterator typing.Iterable typing.AsyncGenerator typing.AsyncIterator
    typing.AsyncIterable typing.Awaitable typing.ContextManager typing.AsyncContextManager
    collections.abc.Generator collections.abc.Iterator collections.abc.Iterable collections.abc.AsyncGenerator
    collections.abc.AsyncIterator collections.abc.AsyncIterable collections.abc.Awaitable
    contextlib.AbstractContextManager contextlib.AbstractAsyncContextManager
    typing.Annotated typing_extensions.Annotated typing.Optional
    """.split()
)


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
    def __init__(self, module: ModuleSymbols, index: WorkspaceIndex | None = None) -> None:
        self.module = module
        self.index = index
        self._prefix = module.qualify("")
        self._module_values: dict[str, Value] = {}
        self._in_progress: set[object] = set()
        self._returns: dict[int, Value] = {}

    # -- names -----------------------------------------------------------
    def value_of(self, expr: ast.expr | None, fn: FunctionInfo | None, depth: int = 0) -> Value:
        if expr is None or depth > _MAX_DEPTH:
            return None
        kind = type(expr)
        if kind is ast.Name:
            return self.name_value(expr.id, fn, depth)
        if kind is ast.Attribute:
            return self.member(self.value_of(expr.value, fn, depth + 1), expr.attr, depth)
        if kind is ast.Call:
            return self.call_result(expr, fn, depth)
        if kind is ast.Subscript:
            base = self._deref(self.value_of(expr.value, fn, depth + 1), depth)
            if type(base) is Instance and base.type in catalog.MEMBER_TYPES:
                return Instance(catalog.MEMBER_TYPES[base.type])
            return None
        if kind is ast.BinOp and type(expr.op) is ast.Div:
            left = self.value_of(expr.left, fn, depth + 1)
            if left == Instance("pathlib.Path") or left == Ref("pathlib.Path"):
                return Instance("pathlib.Path")
        return None

    def member(self, base: Value, attr: str, depth: int = 0) -> Value:
        """The value of ``base.attr``."""
        base = self._deref(base, depth)
        if type(base) is Ref:
            return Ref(catalog.canonical(f"{base.qualname}.{attr}"))
        if type(base) is Instance:
            member = f"{base.type}.{attr}"
            attr_type = catalog.ATTRIBUTE_TYPES.get(member)
            if attr_type:
                return Instance(attr_type)
            if base.type in catalog.MEMBER_TYPES and member not in catalog.BLOCKING:
                return Instance(catalog.MEMBER_TYPES[base.type])
            attribute = self._instance_attribute(base.type, attr, depth)
            if attribute is not None:
                return attribute
            return Ref(member)
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
            key = ("module", name)
            if key in self._in_progress:
                return None
            self._in_progress.add(key)
            try:
                value = self.value_of(binding.value, None, depth + 1)
                if value is None and binding.annotation is not None:
                    annotated = self.annotation_type(binding.annotation, None)
                    value = Instance(annotated) if annotated else None
            finally:
                self._in_progress.discard(key)
        self._module_values[name] = value
        return value

    def param_value(self, fn: FunctionInfo, name: str, depth: int = 0) -> Value:
        param = fn.params[name]
        if fn.class_name is not None and param.node is _first_param(fn) and not _is_static(fn):
            klass = self.module.qualify(fn.qualname.rpartition(".")[0])
            return Ref(klass) if _is_classmethod(fn) else Instance(klass)
        if param.annotation is not None:
            annotated = self.annotation_type(param.annotation, fn.parent)
            if annotated and annotated not in ("builtins.object", "typing.Any"):
                return Instance(annotated)
            injected = self._annotated_dependency(param.annotation, fn.parent, depth)
            if injected is not None:
                return injected
        if param.default is not None:
            target = self.depends_target(param.default, fn.parent)
            if isinstance(target, ast.expr):
                return self.dependency_value(target, fn.parent, depth)
        return None

    # -- dependencies --------------------------------------------------------
    def depends_target(self, expr: ast.expr | None, fn: FunctionInfo | None) -> ast.expr | bool | None:
        """For ``Depends(x)``/``Security(x)`` return ``x``; True for a bare ``Depends()``; else None."""
        if type(expr) is not ast.Call:
            return None
        callee = self.value_of(expr.func, fn)
        if not (type(callee) is Ref and callee.qualname in _DEPENDS):
            return None
        if expr.args:
            return expr.args[0]
        for keyword in expr.keywords:
            if keyword.arg == "dependency":
                return keyword.value
        return True

    def dependency_value(self, target: ast.expr, fn: FunctionInfo | None, depth: int = 0) -> Value:
        """What FastAPI injects for ``Depends(target)``: the callable's result, generators unwrapped."""
        callee = self.value_of(target, fn, depth + 1)
        if type(callee) is Instance:
            return None
        if type(callee) is Ref:
            return self.result_of(callee.qualname, depth)
        return None

    def _annotated_dependency(self, annotation: ast.expr, fn: FunctionInfo | None, depth: int) -> Value:
        """``Annotated[Any, Depends(get_db)]`` (or an alias of it): the dependency's result."""
        node = annotation
        if type(node) is ast.Name:
            binding = self.module.bindings.get(node.id)
            if binding is None or binding.kind != "var" or type(binding.value) is not ast.Subscript:
                return None
            node, fn = binding.value, None
        if type(node) is not ast.Subscript or type(node.slice) is not ast.Tuple:
            return None
        for element in node.slice.elts[1:]:
            target = self.depends_target(element, fn)
            if isinstance(target, ast.expr):
                return self.dependency_value(target, fn, depth)
        return None

    # -- calls -----------------------------------------------------------
    def call_result(self, call: ast.Call, fn: FunctionInfo | None, depth: int = 0) -> Value:
        callee = self._deref(self.value_of(call.func, fn, depth + 1), depth)
        if type(callee) is Instance:
            made = catalog.INSTANCE_CALL_RETURNS.get(callee.type)
            return Instance(made) if made else None
        if type(callee) is not Ref:
            return None
        return self.result_of(callee.qualname, depth)

    def result_of(self, qualname: str, depth: int = 0) -> Value:
        """What calling the object named ``qualname`` produces."""
        if qualname in catalog.CLASSES:
            return Instance(qualname)
        returned = catalog.RETURNS.get(qualname) or catalog.RETURNS.get(_same_methods(qualname))
        if returned:
            return Instance(returned)
        if self.local_class(qualname) is not None:
            return Instance(qualname)
        local = self.local_function(qualname)
        if local is not None:
            return self.returns_of(local, depth)
        if self.index is not None and depth < _MAX_DEPTH:
            from .workspace import ClassExport, FunctionExport

            found = self.index.lookup(qualname)
            if isinstance(found, FunctionExport):
                return found.returns
            if isinstance(found, ClassExport):
                return Instance(found.qualname)
            if type(found) is Instance:
                made = catalog.INSTANCE_CALL_RETURNS.get(found.type)
                return Instance(made) if made else None
        return None

    def returns_of(self, fn: FunctionInfo, depth: int = 0) -> Value:
        """What a function of this file produces: its annotation, else what it returns or yields."""
        key = id(fn)
        if key in self._returns:
            return self._returns[key]
        if key in self._in_progress:
            return None
        self._in_progress.add(key)
        try:
            value: Value = None
            if fn.node.returns is not None:
                annotated = self.annotation_type(fn.node.returns, fn.parent)
                if annotated and annotated not in ("builtins.None", "typing.Any", "builtins.object"):
                    value = Instance(annotated)
            if value is None:
                for result in fn.results:
                    value = self.value_of(result, fn, depth + 1)
                    if value is not None:
                        break
                if type(value) is Ref and self.local_class(value.qualname) is None:
                    value = None  # a function object, not an instance
        finally:
            self._in_progress.discard(key)
        self._returns[key] = value
        return value

    def callee(self, call: ast.Call, fn: FunctionInfo | None) -> str | None:
        """The qualified name a call invokes, or None when unknown."""
        value = self.value_of(call.func, fn)
        return value.qualname if type(value) is Ref else None

    # -- types -------------------------------------------------------------
    def annotation_type(self, annotation: ast.expr, fn: FunctionInfo | None) -> str | None:
        """The class an annotation names: ``Session``, ``Optional[Session]``, ``Generator[Session, None, None]``."""
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
            if head_name in _UNWRAP:
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
        if not qualname.startswith(self._prefix):
            if self.index is not None:
                from .workspace import Alias

                found = self.index.lookup(qualname)
                if isinstance(found, Alias):
                    return found.type
            return None
        binding = self.module.bindings.get(qualname[len(self._prefix):])
        if binding is None or binding.kind != "var" or binding.value is None:
            return None
        if type(binding.value) is ast.Subscript:
            return self.annotation_type(binding.value, None)
        return None

    # -- this file -----------------------------------------------------------
    def local_class(self, qualname: str) -> ClassInfo | None:
        if qualname.startswith(self._prefix):
            return self.module.classes.get(qualname[len(self._prefix):])
        return None

    def local_function(self, qualname: str) -> FunctionInfo | None:
        """The function of this file a qualified name refers to (methods and closures too)."""
        if qualname.startswith(self._prefix):
            return self.module.all_functions.get(qualname[len(self._prefix):])
        return None

    def _instance_attribute(self, type_name: str, attr: str, depth: int) -> Value:
        """``self.client`` where ``__init__`` did ``self.client = httpx.Client()``."""
        klass = self.local_class(type_name)
        if klass is not None:
            assigned = klass.instance_attrs.get(attr)
            if assigned and len(assigned) == 1 and assigned[0][0] is not None:
                key = ("attr", type_name, attr)
                if key in self._in_progress:
                    return None
                self._in_progress.add(key)
                try:
                    value, method = assigned[0]
                    return self.value_of(value, method, depth + 1)
                finally:
                    self._in_progress.discard(key)
            if attr in klass.assigned and klass.assigned[attr] is not None:
                return self.value_of(klass.assigned[attr], None, depth + 1)
            return None
        if self.index is not None:
            from .workspace import ClassExport

            found = self.index.lookup(type_name)
            if isinstance(found, ClassExport):
                return found.attributes.get(attr)
        return None

    def deref(self, value: Value) -> Value:
        """``SessionLocal`` imported from another file -> the ``sessionmaker(...)`` instance it is bound to there."""
        return self._deref(value, 0)

    def _deref(self, value: Value, depth: int) -> Value:
        """Follow a reference to a module-level value of another workspace file to that value."""
        if type(value) is not Ref or self.index is None or value.qualname.startswith(self._prefix):
            return value
        found = self.index.lookup(value.qualname)
        if type(found) is Instance or type(found) is Ref:
            return found
        return value


def _same_methods(qualname: str) -> str:
    owner, _, attr = qualname.rpartition(".")
    other = catalog.SAME_METHODS_AS.get(owner)
    return f"{other}.{attr}" if other else qualname


def canonical_method(qualname: str) -> str:
    """The catalogue's name for a method of a subclass or proxy (``sqlmodel.Session.exec``)."""
    return _same_methods(qualname)


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

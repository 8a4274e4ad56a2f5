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
from typing import TYPE_CHECKING

from ..catalog import (
    ATTRIBUTE_TYPES,
    BLOCKING,
    CLASSES,
    INSTANCE_CALL_RETURNS,
    MEMBER_TYPES,
    RETURNS,
    SAME_METHODS_AS,
    canonical,
    catalogued,
    client_of,
    client_result,
)
from ..source.facts import ClassInfo, FunctionInfo, Iterated, Unpacked
from .classes import ROOTS, c3, method_kind
from .exports import Alias, ClassExport, FunctionExport
from .symbols import ModuleSymbols
from .values import Instance, Ref, Value

if TYPE_CHECKING:
    from .lookup import WorkspaceLookup

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
# Annotations of containers, by the builtin they stand for.
_CONTAINERS: dict[str, str] = {
    **dict.fromkeys(
        """
        builtins.list builtins.set builtins.frozenset typing.List typing.Set typing.FrozenSet typing.Sequence
        typing.MutableSequence typing.Collection typing.AbstractSet typing.MutableSet typing.Deque collections.deque
        collections.abc.Sequence collections.abc.MutableSequence collections.abc.Collection collections.abc.Set
        collections.abc.MutableSet
        """.split(),
        "builtins.list",
    ),
    **dict.fromkeys(
        """
        builtins.dict typing.Dict typing.Mapping typing.MutableMapping typing.DefaultDict typing.OrderedDict
        collections.defaultdict collections.OrderedDict collections.abc.Mapping collections.abc.MutableMapping
        """.split(),
        "builtins.dict",
    ),
    "builtins.tuple": "builtins.tuple",
    "typing.Tuple": "builtins.tuple",
}
_CONTAINER_METHODS = frozenset({"builtins.list", "builtins.dict", "builtins.tuple"})
_CONTAINER_METHODS_RESULTS = frozenset(
    f"builtins.{t}.{m}" for t in ("dict", "list") for m in ("get", "pop", "setdefault", "values", "keys", "items", "copy")
)
_STATE_TYPES = frozenset(
    f"{t}.state" for t in ("fastapi.Request", "starlette.requests.Request", "fastapi.WebSocket", "starlette.requests.HTTPConnection")
)
_LITERAL_ITEMS = 16
_UNTYPED = frozenset({"typing.Any", "typing_extensions.Any", "builtins.object"})


class Resolver:
    def __init__(self, module: ModuleSymbols, index: WorkspaceLookup | None = None) -> None:
        self.module = module
        self.index = index
        self._prefix = module.qualify("")
        self._module_values: dict[str, Value] = {}
        self._in_progress: set[object] = set()
        self._returns: dict[int, Value] = {}
        self._mro: dict[str, tuple[str, ...]] = {}
        self._bases: dict[str, tuple[str, ...] | None] = {}
        self._injects: dict[int, dict[str, Value]] = {}

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
        if kind is ast.Await:  # a coroutine function's result is what its annotation or ``return`` says
            return self.value_of(expr.value, fn, depth + 1)
        if kind is ast.Subscript:
            return self._item(self._deref(self.value_of(expr.value, fn, depth + 1), depth), expr.slice)
        if kind is Unpacked:
            return _element(self._deref(self.value_of(expr.value, fn, depth + 1), depth), expr.index)
        if kind is Iterated:
            return _iterated(self._deref(self.value_of(expr.value, fn, depth + 1), depth))
        if kind is ast.BinOp and type(expr.op) is ast.Div:
            left = self.value_of(expr.left, fn, depth + 1)
            if left == Instance("pathlib.Path") or left == Ref("pathlib.Path"):
                return Instance("pathlib.Path")
        if kind is ast.Dict:
            values = [self.value_of(v, fn, depth + 1) for v in expr.values[:_LITERAL_ITEMS]]
            return Instance("builtins.dict", (None, _same(values)))
        if kind is ast.List or kind is ast.Set:
            items = [self.value_of(e, fn, depth + 1) for e in expr.elts[:_LITERAL_ITEMS]]
            return Instance("builtins.list", (_same(items),))
        if kind is ast.Tuple:
            return Instance("builtins.tuple", tuple(self.value_of(e, fn, depth + 1) for e in expr.elts[:_LITERAL_ITEMS]))
        if kind is ast.ListComp or kind is ast.SetComp or kind is ast.GeneratorExp:
            return Instance("builtins.list", (self.value_of(expr.elt, fn, depth + 1),))
        if kind is ast.IfExp:  # one value whichever arm runs (``None`` aside)
            return _same([self.value_of(v, fn, depth + 1) for v in (expr.body, expr.orelse) if not _is_none(v)])
        if kind is ast.BoolOp and type(expr.op) is ast.Or:  # ``client or httpx.Client()``
            return _same([self.value_of(v, fn, depth + 1) for v in expr.values if not _is_none(v)])
        return None

    def _item(self, base: Value, index: ast.expr) -> Value:
        """``base[index]``: a container's item, a tuple's element, or a member of a driver's namespace."""
        if type(base) is Ref:  # ``Repo[User]``: the generic class itself
            return base if self.class_bases(base.qualname) is not None else None
        if type(base) is not Instance:
            return None
        if base.type in MEMBER_TYPES:
            return Instance(MEMBER_TYPES[base.type])
        if base.type == "builtins.tuple" and type(index) is ast.Constant and type(index.value) is int:
            return _element(base, index.value)
        if type(index) is ast.Slice:
            return base if base.type in ("builtins.list", "builtins.tuple") else None
        if base.type == "builtins.dict" and len(base.args) == 2:
            return base.args[1]
        if base.type == "builtins.list" and base.args:
            return base.args[0]
        return None

    def member(self, base: Value, attr: str, depth: int = 0) -> Value:
        """The value of ``base.attr``: a class's members through its MRO, a module's names, a library's types."""
        base = self._deref(base, depth)
        if type(base) is Ref:
            qualname = canonical(f"{base.qualname}.{attr}")
            attr_type = ATTRIBUTE_TYPES.get(qualname)
            if attr_type:
                return Instance(attr_type)
            if base.qualname in _STATE_TYPES:
                state = self._state(attr)
                if state is not None:
                    return state
            elif depth < _MAX_DEPTH and self.class_bases(base.qualname) is not None:
                found = self._class_member(base.qualname, attr, False, depth)
                if found is not None:
                    return found
            return Ref(qualname)
        if type(base) is Instance:
            member = f"{base.type}.{attr}"
            attr_type = ATTRIBUTE_TYPES.get(member)
            if attr_type:
                return Instance(attr_type)
            if base.type in MEMBER_TYPES and member not in BLOCKING:
                return Instance(MEMBER_TYPES[base.type])
            if base.type in _CONTAINER_METHODS:
                return Ref(member)
            if depth < _MAX_DEPTH:
                found = self._class_member(base.type, attr, True, depth)
                if found is not None:
                    return found
            return Ref(member)
        return None

    def name_value(self, name: str, fn: FunctionInfo | None, depth: int = 0) -> Value:
        scope = fn
        while scope is not None:
            if name in scope.global_names:
                break
            if name in scope.imports:
                return Ref(canonical(self.module.absolute_import(scope.imports[name])))
            if name in scope.params:
                return self.param_value(scope, name, depth)
            if name in scope.assigned:
                values = scope.assigned[name]
                if values == [None]:
                    for nested in scope.nested:
                        if nested.name == name:
                            return Ref(self.module.qualify(nested.qualname))
                return self._one_of(values, scope, ("local", id(scope), name), depth)
            scope = scope.parent
        return self.module_value(name, depth)

    def _one_of(self, values: list, fn: FunctionInfo | None, key: object, depth: int) -> Value:
        """The value of a name or attribute assigned ``values``: the one they agree on (``None`` aside)."""
        values = [v for v in values if not _is_none(v)]
        if not values or None in values or len(values) > 4:
            return None
        if len(values) == 1:
            return self.value_of(values[0], fn, depth + 1)
        if key in self._in_progress:
            return None
        self._in_progress.add(key)
        try:
            return _same([self.value_of(v, fn, depth + 1) for v in values])
        finally:
            self._in_progress.discard(key)

    def module_value(self, name: str, depth: int = 0) -> Value:
        if name in self._module_values:
            return self._module_values[name]
        binding = self.module.bindings.get(name)
        if binding is None:
            value: Value = Ref(f"builtins.{name}") if name in _BUILTINS else None
        elif binding.kind == "import":
            value = Ref(canonical(self.module.absolute_import(binding.target)))
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
                    value = self.annotation_value(binding.annotation, None)
                if value is None and (binding.value is None or _is_none(binding.value)):
                    late = self.module.global_assigned.get(name)  # ``global client`` in a start-up hook
                    if late:
                        value = _same([self.value_of(v, f, depth + 1) for v, f in late if not _is_none(v)][:4])
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
            annotated = self.annotation_value(param.annotation, fn.parent)
            if annotated is not None:
                return annotated
            injected = self._annotated_dependency(param.annotation, fn.parent, depth)
            if injected is not None:
                return injected
        if fn.node.decorator_list and depth < _MAX_DEPTH:
            injected = self._decorator_injects(fn, name, depth)
            if injected is not None:
                return injected
        if param.default is not None:
            target = self.depends_target(param.default, fn.parent)
            if isinstance(target, ast.expr):
                return self.dependency_value(target, fn.parent, depth)
        return None

    def _decorator_injects(self, fn: FunctionInfo, name: str, depth: int) -> Value:
        """``@provide_session`` whose wrapper calls the function with ``session=Session()``: the parameter's value."""
        for decorator in fn.node.decorator_list:
            target = decorator.func if type(decorator) is ast.Call else decorator
            value = self.value_of(target, fn.parent, depth + 1)
            if type(value) is not Ref:
                continue
            local = self.local_function(value.qualname)
            if local is not None:
                injects = self.injects(local)
            elif self.index is not None and not value.qualname.startswith(self._prefix):
                found = self.index.lookup(value.qualname)
                injects = found.injects if isinstance(found, FunctionExport) else {}
            else:
                injects = {}
            if name in injects:
                return injects[name]
        return None

    def injects(self, decorator: FunctionInfo) -> dict[str, Value]:
        """What a decorator's wrapper passes the function it wraps by keyword, with known types."""
        key = id(decorator)
        if key in self._injects:
            return self._injects[key]
        self._injects[key] = {}
        wrapped = next(iter(decorator.params), None)
        found: dict[str, Value] = {}
        for wrapper in decorator.nested if wrapped is not None else ():
            for call in wrapper.calls:
                if type(call.node.func) is ast.Name and call.node.func.id == wrapped:
                    for keyword in call.node.keywords:
                        if keyword.arg is not None:
                            value = self.value_of(keyword.value, wrapper)
                            if type(value) is Instance:
                                found[keyword.arg] = value
        self._injects[key] = found
        return found

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
        callee = self._deref(self.value_of(target, fn, depth + 1), depth)
        if type(callee) is Instance:  # a callable instance: what its ``__call__`` gives
            return self._instance_call(callee, depth + 1)
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
        func = call.func
        if type(func) is ast.Name and func.id == "super" and fn is not None and not call.args:
            return self._super(fn)
        callee = self._deref(self.value_of(func, fn, depth + 1), depth)
        if type(callee) is Instance:
            return self._instance_call(callee, depth)
        if type(callee) is not Ref:
            return None
        if callee.qualname in _CONTAINER_METHODS_RESULTS:
            return self._container_method(func, fn, callee.qualname, depth)
        return self.result_of(callee.qualname, depth)

    def _instance_call(self, callee: Instance, depth: int) -> Value:
        """Calling an object: a session factory's session, or what a workspace class's ``__call__`` returns."""
        made = INSTANCE_CALL_RETURNS.get(callee.type)
        if made:
            return Instance(made)
        if depth < _MAX_DEPTH and self.class_bases(callee.type) is not None:
            called = self._class_member(callee.type, "__call__", True, depth)
            return self.result_of(called.qualname, depth + 1) if type(called) is Ref else None
        return None

    def _container_method(self, func: ast.expr, fn: FunctionInfo | None, qualname: str, depth: int) -> Value:
        """``d.values()``, ``d.get(k)``, ``items.copy()`` on a container whose item type is known."""
        if type(func) is not ast.Attribute:
            return None
        base = self._deref(self.value_of(func.value, fn, depth + 1), depth)
        if type(base) is not Instance or not base.args:
            return None
        method = qualname.rpartition(".")[2]
        if base.type == "builtins.dict" and len(base.args) == 2:
            key, item = base.args
            if method in ("get", "pop", "setdefault", "__getitem__"):
                return item
            if method == "values":
                return Instance("builtins.list", (item,))
            if method == "keys":
                return Instance("builtins.list", (key,))
            if method == "items":
                return Instance("builtins.list", (Instance("builtins.tuple", (key, item)),))
            return base if method == "copy" else None
        if base.type == "builtins.list":
            return base.args[0] if method == "pop" else base if method == "copy" else None
        return None

    def _super(self, fn: FunctionInfo) -> Value:
        """``super()`` in a method: the class after the method's own in its MRO (single inheritance's base)."""
        method = fn
        while method.parent is not None and method.owner is None:
            method = method.parent
        if method.owner is None:
            return None
        own = self.module.qualify(method.qualname.rpartition(".")[0])
        order = self.mro(own)
        return Instance(order[1]) if len(order) > 1 and order[1] not in ROOTS else None

    def result_of(self, qualname: str, depth: int = 0) -> Value:
        """What calling the object named ``qualname`` produces."""
        if qualname in CLASSES:
            return Instance(qualname)
        returned = RETURNS.get(qualname) or RETURNS.get(_same_methods(qualname))
        if returned:
            return Instance(returned)
        if self.local_class(qualname) is not None:
            return Instance(qualname)
        local = self.local_function(qualname)
        if local is not None:
            return self.returns_of(local, depth)
        resource = client_result(qualname)
        if resource is not None:
            return Instance(resource)
        if self.index is not None and depth < _MAX_DEPTH:
            found = self.index.lookup(qualname)
            if isinstance(found, FunctionExport):
                return found.returns
            if isinstance(found, ClassExport):
                return Instance(found.qualname)
            if type(found) is Instance:  # a module-level object of another file, called
                return self._instance_call(found, depth)
        if qualname.startswith("google.cloud.") and client_of(qualname) is not None:
            return Instance(qualname)
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
                annotated = self.annotation_value(fn.node.returns, fn.parent)
                if type(annotated) is Instance and annotated.type not in ("builtins.None", "typing.Any", "builtins.object"):
                    value = annotated
            if value is None:
                for result in fn.results:
                    value = self.value_of(result, fn, depth + 1)
                    if value is not None:
                        break
                if type(value) is Ref and not self._returnable(value.qualname, fn):
                    value = None  # a function object, not an instance
                elif type(value) is Ref and len(fn.results) > 1:  # a factory's closure: only if it always returns that one
                    value = _same([self.value_of(r, fn, depth + 1) for r in fn.results])
        finally:
            self._in_progress.discard(key)
        self._returns[key] = value
        return value

    def _returnable(self, qualname: str, fn: FunctionInfo) -> bool:
        """A returned name kept as the result: a class of this file, or a closure the function defines (a factory)."""
        if self.local_class(qualname) is not None:
            return True
        return any(qualname == self.module.qualify(nested.qualname) for nested in fn.nested)

    def callee(self, call: ast.Call, fn: FunctionInfo | None) -> str | None:
        """The qualified name a call invokes, or None when unknown."""
        value = self.value_of(call.func, fn)
        return value.qualname if type(value) is Ref else None

    # -- types -------------------------------------------------------------
    def annotation_type(self, annotation: ast.expr, fn: FunctionInfo | None) -> str | None:
        """The class an annotation names: ``Session``, ``Optional[Session]``, ``Generator[Session, None, None]``."""
        value = self.annotation_value(annotation, fn)
        return value.type if type(value) is Instance else None

    def annotation_value(self, annotation: ast.expr, fn: FunctionInfo | None, depth: int = 0) -> Value:
        """What an annotation declares: an instance (with a container's item types), or a class for ``type[X]``."""
        if depth > 6:
            return None
        kind = type(annotation)
        if kind is ast.Constant and isinstance(annotation.value, str):
            try:
                parsed = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return None
            return self.annotation_value(parsed, fn, depth + 1)
        if kind is ast.Subscript:
            head = self.value_of(annotation.value, fn)
            head_name = head.qualname if type(head) is Ref else ""
            inner = annotation.slice
            elements = inner.elts if type(inner) is ast.Tuple else [inner]
            if head_name in _UNWRAP:
                return self.annotation_value(elements[0], fn, depth + 1)
            if head_name == "typing.Union":
                return self._union(elements, fn, depth)
            if head_name in ("builtins.type", "typing.Type"):
                named = self.annotation_value(elements[0], fn, depth + 1)
                return Ref(named.type) if type(named) is Instance else None
            container = _CONTAINERS.get(head_name)
            args = tuple(self.annotation_value(e, fn, depth + 1) for e in elements[:_LITERAL_ITEMS])
            if container == "builtins.tuple" and len(elements) == 2 and type(elements[1]) is ast.Constant:
                return Instance("builtins.list", args[:1])  # ``tuple[X, ...]``
            if container is not None:
                return Instance(container, args)
            if head_name and (self.local_class(head_name) is not None or self.class_bases(head_name) is not None):
                return Instance(self._alias_target(head_name) or head_name, args)  # ``Repo[User]``
            return None
        if kind is ast.BinOp and type(annotation.op) is ast.BitOr:
            return self._union([annotation.left, annotation.right], fn, depth)
        value = self.value_of(annotation, fn)
        if type(value) is Ref:
            container = _CONTAINERS.get(value.qualname)
            if container is not None:
                return Instance(container)
            if value.qualname in _UNTYPED:
                return None
            alias = self._alias_value(value.qualname)
            return alias if alias is not None else Instance(value.qualname)
        return None

    def _union(self, members: list[ast.expr], fn: FunctionInfo | None, depth: int) -> Value:
        values = [
            self.annotation_value(m, fn, depth + 1)
            for m in members
            if not (type(m) is ast.Constant and m.value is None)
        ]
        values = [v for v in values if v != Instance("builtins.None")]
        return _same(values)

    def _alias_target(self, qualname: str) -> str | None:
        value = self._alias_value(qualname)
        return value.type if type(value) is Instance else None

    def _alias_value(self, qualname: str) -> Value:
        """``SessionDep = Annotated[Session, Depends(get_db)]`` used as an annotation means ``Session``."""
        if not qualname.startswith(self._prefix):
            if self.index is not None:
                found = self.index.lookup(qualname)
                if isinstance(found, Alias):
                    return Instance(found.type) if found.type else None
            return None
        binding = self.module.bindings.get(qualname[len(self._prefix):])
        if binding is None or binding.kind != "var" or binding.value is None:
            return None
        if type(binding.value) is ast.Subscript:
            key = ("alias", qualname)
            if key in self._in_progress:
                return None
            self._in_progress.add(key)
            try:
                return self.annotation_value(binding.value, None)
            finally:
                self._in_progress.discard(key)
        return None

    # -- classes -------------------------------------------------------------
    def class_bases(self, qualname: str) -> tuple[str, ...] | None:
        """The bases of a class of the workspace, as qualified names; None for any other name."""
        if qualname in self._bases:
            return self._bases[qualname]
        found = self._bases[qualname] = self._class_bases(qualname)
        return found

    def _class_bases(self, qualname: str) -> tuple[str, ...] | None:
        klass = self.local_class(qualname)
        if klass is not None:
            bases = []
            for base in klass.node.bases:
                if type(base) is ast.Subscript:
                    base = base.value
                value = self.value_of(base, None)
                if type(value) is Ref:
                    bases.append(self._alias_target(value.qualname) or value.qualname)
            return tuple(bases)
        if self.index is not None and not qualname.startswith(self._prefix) and "." in qualname:
            found = self.index.class_of(qualname)
            if found is not None:
                return found.bases
        return None

    def mro(self, qualname: str) -> tuple[str, ...]:
        """The class and its bases in method resolution order (library classes end their branch)."""
        cached = self._mro.get(qualname)
        if cached is not None:
            return cached
        key = ("mro", qualname)
        if key in self._in_progress:
            return (qualname,)
        self._in_progress.add(key)
        try:
            direct = self.class_bases(qualname) or ()
            order = c3(qualname, [self.mro(base) for base in direct[:8]], direct[:8])
        finally:
            self._in_progress.discard(key)
        self._mro[qualname] = order
        return order

    def constructor(self, qualname: str) -> str | None:
        """The ``__init__`` calling a workspace class runs: a project class's, or a catalogued library base's."""
        if self.class_bases(qualname) is None:
            return None
        init = self._class_member(qualname, "__init__", True, 0)
        return init.qualname if type(init) is Ref else None

    def is_subclass(self, type_name: str, bases: frozenset[str] | set[str]) -> bool:
        """Whether ``type_name`` is one of ``bases`` or a workspace class deriving from one."""
        if type_name in bases:
            return True
        return self.class_bases(type_name) is not None and not bases.isdisjoint(self.mro(type_name))

    def _class_member(self, qualname: str, attr: str, instance: bool, depth: int) -> Value:
        """``attr`` looked up along the MRO of a workspace class: a method as the defining class's ``Ref``,
        a property or attribute as its value, or a library base's member."""
        for owner in self.mro(qualname):
            if owner in ROOTS:
                continue
            klass = self.local_class(owner)
            if klass is not None:
                found = self._local_member(klass, owner, attr, instance, depth)
                if found is not None:
                    return found
                continue
            exported = self.index.class_of(owner) if self.index is not None and not owner.startswith(self._prefix) else None
            if exported is not None:
                if attr in exported.methods:
                    return Ref(exported.methods[attr].qualname)
                if attr in exported.attributes:
                    return exported.attributes[attr]
                continue
            if instance and owner != qualname and catalogued(owner):
                return Ref(canonical(f"{owner}.{attr}"))  # a library base the catalogue knows: ``smtplib.SMTP.sendmail``
        return None

    def _local_member(self, klass: ClassInfo, owner: str, attr: str, instance: bool, depth: int) -> Value:
        method = klass.methods.get(attr)
        if method is not None:
            if instance and method_kind(method) == "property":
                return self.returns_of(method, depth + 1)
            return Ref(f"{owner}.{attr}")
        if instance:
            value = self._instance_attribute(klass, owner, attr, depth)
            if value is not None:
                return value
        if attr in klass.assigned and klass.assigned[attr] is not None:
            return self.value_of(klass.assigned[attr], None, depth + 1)
        return None

    def _instance_attribute(self, klass: ClassInfo, owner: str, attr: str, depth: int) -> Value:
        """``self.client`` where a method did ``self.client: T = ...`` or ``self.client = httpx.Client()``,
        or the body declares ``client: T`` (a dataclass or Pydantic field)."""
        declared = klass.annotations.get(attr)
        if declared is not None:
            annotated = self.annotation_value(declared[0], declared[1].parent if declared[1] else None)
            if annotated is not None:
                return annotated
        assigned = klass.instance_attrs.get(attr)
        if assigned:
            key = ("attr", owner, attr)
            if key in self._in_progress:
                return None
            self._in_progress.add(key)
            try:
                values = [(v, m) for v, m in assigned if not _is_none(v)]
                if not values or len(values) > 4 or any(v is None for v, _ in values):
                    return None
                return _same([self.value_of(v, m, depth + 1) for v, m in values])
            finally:
                self._in_progress.discard(key)
        return None

    def _state(self, attr: str) -> Value:
        """``request.state.db``: what a middleware (this file's or another's) assigned to it."""
        value = self.local_state(attr)
        if value is None and self.index is not None:
            value = self.index.state_attribute(attr)
        return value

    def local_state(self, attr: str) -> Value:
        """What this file assigns to ``request.state.<attr>``, when its assignments agree."""
        assigned = self.module.state_assigned.get(attr)
        key = ("state", attr)
        if not assigned or key in self._in_progress:
            return None
        self._in_progress.add(key)
        try:
            return _same([self.value_of(v, f) for v, f in assigned[:4] if not _is_none(v)])
        finally:
            self._in_progress.discard(key)

    # -- this file -----------------------------------------------------------
    def local_class(self, qualname: str) -> ClassInfo | None:
        if qualname.startswith(self._prefix):
            return self.module.classes.get(qualname[len(self._prefix):])
        return None

    def is_own(self, qualname: str) -> bool:
        """A name of this file: answered from its own facts, never by the index (which would summarise this file again)."""
        return qualname.startswith(self._prefix)

    def local_function(self, qualname: str) -> FunctionInfo | None:
        """The function of this file a qualified name refers to (methods and closures too)."""
        if qualname.startswith(self._prefix):
            return self.module.all_functions.get(qualname[len(self._prefix):])
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


def _same(values: list[Value]) -> Value:
    """The one value all of ``values`` agree on, or unknown."""
    if not values or values[0] is None:
        return None
    first = values[0]
    return first if all(v == first for v in values[1:]) else None


def _is_none(expr: ast.expr | None) -> bool:
    return type(expr) is ast.Constant and expr.value is None


def _element(value: Value, index: int) -> Value:
    """Element ``index`` of an unpacked value: a tuple's own, or any item of a list."""
    if type(value) is not Instance or not value.args:
        return None
    if value.type == "builtins.tuple":
        return value.args[index] if index < len(value.args) else None
    if value.type == "builtins.list":
        return value.args[0]
    return None


def _iterated(value: Value) -> Value:
    """What iterating a value gives: a list's items, a dict's keys, any element of a tuple they share."""
    if type(value) is not Instance or not value.args:
        return None
    if value.type in ("builtins.list", "builtins.dict"):
        return value.args[0]
    if value.type == "builtins.tuple":
        return _same(list(value.args))
    return None


def _same_methods(qualname: str) -> str:
    owner, _, attr = qualname.rpartition(".")
    other = SAME_METHODS_AS.get(owner)
    return f"{other}.{attr}" if other else qualname


def canonical_method(qualname: str) -> str:
    """The catalogue's name for a method of a subclass or proxy (``sqlmodel.Session.exec``)."""
    return _same_methods(qualname)


def _first_param(fn: FunctionInfo) -> ast.arg | None:
    args = fn.node.args
    positional = args.posonlyargs + args.args
    return positional[0] if positional else None


def _is_static(fn: FunctionInfo) -> bool:
    return method_kind(fn) == "staticmethod"


def _is_classmethod(fn: FunctionInfo) -> bool:
    return method_kind(fn) == "classmethod"

"""What the Pydantic rules (FAP301-FAP304) know about Pydantic.

Which classes of a file are models (their bases followed through the file
to ``pydantic.BaseModel``, ``RootModel`` or ``SQLModel``) and which are
settings (validated once, at start-up: never a hot path); how a model's
fields are declared and bounded (``Field(max_length=...)``, ``conlist``,
``Annotated[..., MaxLen(...)]``); which functions are validators. All of it
is computed from the syntax nodes the facts carry, so classes defined in
other files are unknown here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .facts import CallSite, ClassInfo, FunctionInfo
from .resolve import Ref, Resolver

MODEL_BASES = frozenset(
    """
    pydantic.BaseModel pydantic.main.BaseModel pydantic.RootModel pydantic.root_model.RootModel
    pydantic.v1.BaseModel pydantic.v1.main.BaseModel pydantic.generics.GenericModel
    sqlmodel.SQLModel sqlmodel.main.SQLModel
    """.split()
)
SETTINGS_BASES = frozenset(
    "pydantic_settings.BaseSettings pydantic_settings.main.BaseSettings pydantic.BaseSettings "
    "pydantic.v1.BaseSettings pydantic.env_settings.BaseSettings".split()
)
VALIDATOR_DECORATORS = frozenset({"field_validator", "model_validator", "validator", "root_validator"})
ANNOTATED_VALIDATORS = frozenset({"AfterValidator", "BeforeValidator", "PlainValidator", "WrapValidator"})
VALIDATING_METHODS = frozenset({"model_validate", "model_validate_json", "model_validate_strings", "from_orm", "parse_obj"})
"""Class methods that build a model by validating their argument (``model_construct`` does not validate)."""
LENGTH_BOUNDS = frozenset({"max_length", "max_items"})
_TYPE_MODULES = frozenset({"builtins", "typing", "typing_extensions", "collections", "pydantic", "annotated_types"})


def pydantic_name(qualname: str | None, names: frozenset[str]) -> str | None:
    """The member of ``names`` that ``qualname`` spells, when it comes from pydantic (any submodule)."""
    if not qualname:
        return None
    head, _, last = qualname.rpartition(".")
    return last if last in names and head.partition(".")[0] == "pydantic" else None


# -- models and their fields ------------------------------------------------------------


def class_kind(cls: ClassInfo, resolver: Resolver, seen: frozenset[str] = frozenset()) -> str | None:
    """"model", "settings" or None, following the class's bases through this file."""
    if cls.qualname in seen or len(seen) > 20:
        return None
    for base in cls.node.bases:
        value = resolver.value_of(base.value if type(base) is ast.Subscript else base, None)  # ``RootModel[T]``
        if type(value) is not Ref:
            continue
        if value.qualname in SETTINGS_BASES:
            return "settings"
        if value.qualname in MODEL_BASES:
            return "model"
        local = resolver.local_class(value.qualname)
        kind = class_kind(local, resolver, seen | {cls.qualname}) if local is not None else None
        if kind:
            return kind
    return None


def local_model(expr: ast.expr | None, resolver: Resolver, fn: FunctionInfo | None = None) -> ClassInfo | None:
    """The Pydantic model class of this file that ``expr`` names, if it names one."""
    value = resolver.value_of(expr, fn) if expr is not None else None
    if type(value) is not Ref:
        return None
    cls = resolver.local_class(value.qualname)
    return cls if cls is not None and class_kind(cls, resolver) == "model" else None


@dataclass(frozen=True, slots=True)
class FieldDecl:
    name: str
    annotation: ast.expr
    default: ast.expr | None
    node: ast.AnnAssign
    owner: ClassInfo


def fields(cls: ClassInfo, resolver: Resolver, seen: frozenset[str] = frozenset()) -> list[FieldDecl]:
    """The fields a model declares, its bases' (of this file) first; a redefinition wins."""
    if cls.qualname in seen:
        return []
    found: dict[str, FieldDecl] = {}
    for base in cls.node.bases:
        local = resolver.local_class(getattr(resolver.value_of(base, None), "qualname", ""))
        for field in fields(local, resolver, seen | {cls.qualname}) if local is not None else ():
            found[field.name] = field
    for statement in cls.node.body:
        if type(statement) is not ast.AnnAssign or type(statement.target) is not ast.Name:
            continue
        name = statement.target.id
        if name.startswith("_") or name == "model_config" or type_name(_head(statement.annotation), resolver) in ("ClassVar", "InitVar"):
            continue
        found[name] = FieldDecl(name, statement.annotation, statement.value, statement, cls)
    return list(found.values())


def _head(annotation: ast.expr) -> ast.expr:
    return annotation.value if type(annotation) is ast.Subscript else annotation


# -- validators ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Validator:
    kind: str
    """``field_validator``, ``model_validator``, ``validator``, ``root_validator``, or ``AfterValidator`` and co."""
    fields: tuple[str, ...]
    decorator: ast.expr | None


def validator_of(fn: FunctionInfo, resolver: Resolver) -> Validator | None:
    """How ``fn`` is a Pydantic validator through its decorators, if it is one."""
    for decorator in fn.node.decorator_list:
        target = decorator.func if type(decorator) is ast.Call else decorator
        written = target.id if type(target) is ast.Name else target.attr if type(target) is ast.Attribute else ""
        if written not in VALIDATOR_DECORATORS:
            continue  # resolve only what is spelled like a validator
        value = resolver.value_of(target, fn.parent)
        kind = pydantic_name(value.qualname if type(value) is Ref else None, VALIDATOR_DECORATORS)
        if kind is None:
            continue
        names: tuple[str, ...] = ()
        if type(decorator) is ast.Call:
            names = tuple(a.value for a in decorator.args if type(a) is ast.Constant and isinstance(a.value, str))
        return Validator(kind, names, decorator)
    return None


def early_checked_fields(cls: ClassInfo, resolver: Resolver) -> set[str]:
    """Fields with a ``mode="before"``/``"wrap"``/``"plain"`` (or ``pre=True``) validator: it sees the raw input first."""
    checked: set[str] = set()
    for method in cls.methods.values():
        validator = validator_of(method, resolver)
        if validator is None or type(validator.decorator) is not ast.Call:
            continue
        options = {k.arg: k.value for k in validator.decorator.keywords}
        mode, pre = options.get("mode"), options.get("pre")
        if (type(mode) is ast.Constant and mode.value in ("before", "wrap", "plain")) or (
            type(pre) is ast.Constant and pre.value is True
        ):
            checked.update(validator.fields)
    return checked


def annotated_validator_targets(calls: Iterable[CallSite], resolver: Resolver) -> dict[str, str]:
    """Module-level functions passed to ``AfterValidator(f)`` and its siblings: name -> kind."""
    targets: dict[str, str] = {}
    for site in calls:
        node = site.node
        func = node.func
        written = func.id if type(func) is ast.Name else func.attr if type(func) is ast.Attribute else ""
        if written not in ANNOTATED_VALIDATORS or not node.args or type(node.args[0]) is not ast.Name:
            continue
        kind = pydantic_name(resolver.callee(node, site.function), ANNOTATED_VALIDATORS)
        if kind:
            targets[node.args[0].id] = kind
    return targets


def owner_class(fn: FunctionInfo, classes: list[ClassInfo]) -> ClassInfo | None:
    """The class whose body defines the method ``fn`` (among one chunk's classes)."""
    owner = getattr(fn, "owner", None)
    if owner is not None:
        return owner
    return next((cls for cls in classes if cls.methods.get(fn.name) is fn), None)


# -- type expressions -------------------------------------------------------------------------


def type_name(node: ast.expr | None, resolver: Resolver, fn: FunctionInfo | None = None) -> str | None:
    """``List`` for ``typing.List``, ``list`` for ``list``: the last part of a builtin, typing or pydantic name."""
    value = resolver.value_of(node, fn) if node is not None else None
    if type(value) is not Ref:
        return None
    module, _, last = value.qualname.rpartition(".")
    return last if module.partition(".")[0] in _TYPE_MODULES else None


def subscript(node: ast.expr | None, resolver: Resolver, fn: FunctionInfo | None = None) -> tuple[str | None, list[ast.expr]]:
    """``list[int]`` -> ("list", [int]); ``Dict[str, X]`` -> ("Dict", [str, X]); other -> (None, [])."""
    node = _unquote(node)
    if type(node) is not ast.Subscript:
        return None, []
    inner = node.slice
    return type_name(node.value, resolver, fn), list(inner.elts) if type(inner) is ast.Tuple else [inner]


def split_annotated(annotation: ast.expr | None, resolver: Resolver, fn: FunctionInfo | None = None) -> tuple[ast.expr | None, list[ast.expr]]:
    """``Annotated[T, m1, m2]`` -> (T, [m1, m2]); anything else -> (it, [])."""
    head, args = subscript(annotation, resolver, fn)
    if head == "Annotated" and args:
        inner, metadata = split_annotated(args[0], resolver, fn)
        return inner, metadata + list(args[1:])
    return annotation, []


def members(annotation: ast.expr | None, resolver: Resolver, fn: FunctionInfo | None = None) -> list[ast.expr]:
    """The non-None members of a union (``X | None``, ``Optional[X]``, ``Union[X, Y]``); ``[X]`` otherwise."""
    annotation = _unquote(annotation)
    if annotation is None or (type(annotation) is ast.Constant and annotation.value is None):
        return []
    if type(annotation) is ast.BinOp and type(annotation.op) is ast.BitOr:
        return members(annotation.left, resolver, fn) + members(annotation.right, resolver, fn)
    head, args = subscript(annotation, resolver, fn)
    if head in ("Optional", "Union"):
        return [m for a in args for m in members(a, resolver, fn)]
    return [annotation]


def call_name(call: ast.expr, resolver: Resolver, fn: FunctionInfo | None = None) -> str | None:
    """``Body`` for ``fastapi.Body(...)``, ``conlist`` for ``pydantic.conlist(...)``; None for other calls."""
    if type(call) is not ast.Call:
        return None
    value = resolver.value_of(call.func, fn)
    if type(value) is not Ref:
        return None
    module, _, last = value.qualname.rpartition(".")
    return last if module.partition(".")[0] in ("fastapi", "pydantic", "annotated_types") else None


def has_length_bound(marker: ast.expr | None) -> bool:
    """``Field(max_length=...)``, ``Body(max_length=...)``, ``MaxLen(n)``, ``Len(0, n)``, ``conlist(..., max_length=n)``."""
    if type(marker) is not ast.Call:
        return False
    if any(k.arg in LENGTH_BOUNDS for k in marker.keywords):
        return True
    func = marker.func
    name = func.id if type(func) is ast.Name else func.attr if type(func) is ast.Attribute else ""
    return name == "MaxLen" or (name == "Len" and len(marker.args) >= 2)


def _unquote(node: ast.expr | None) -> ast.expr | None:
    """A string annotation (a forward reference) as the expression it spells."""
    if type(node) is ast.Constant and isinstance(node.value, str):
        try:
            return ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    return node


# -- walking a function's own body ---------------------------------------------------------------


def names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if type(n) is ast.Name}


def own_nodes(fn: FunctionInfo) -> Iterator[ast.AST]:
    """Every node of ``fn``'s body, without descending into nested functions, lambdas or classes."""
    stack: list[ast.AST] = list(reversed(fn.node.body))
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                stack.append(child)

"""What FAP302 counts as work a validator repeats on every call.

A call is repeated set-up when it does not depend on the value being
validated: a constant pattern compiled, a pattern rebuilt from settings, a
fixed file read, a network or database call, a client, a ``TypeAdapter`` or
a ``jsonschema`` validator built. Work on the value itself (compiling the
pattern a user supplied, opening the path being validated, writing the value
somewhere) is the validation's purpose and is left alone.
"""

from __future__ import annotations

import ast
import re

from ...analysis import CallSite, FunctionInfo, Ref, RuleContext, catalog
from ...analysis import pydantic_model as pm

CONSTANT_PATTERN = "compiles a constant pattern"
REGEX_USERS = frozenset(f"re.{n}" for n in "match search fullmatch sub subn split findall finditer".split())
IO_WORK = frozenset(b.io for b in catalog.BLOCKING.values() if b.io)
"""What the catalogue's I/O calls do (``reads the file system``): one report per kind and validator."""
HEAVY = {
    "pydantic.TypeAdapter": "builds a `TypeAdapter` (a core schema and validator)",
    "pydantic.type_adapter.TypeAdapter": "builds a `TypeAdapter` (a core schema and validator)",
    "pydantic.create_model": "creates a model class",
    "pydantic.main.create_model": "creates a model class",
    "jsonschema.validate": "checks the schema and builds a validator",
    "jsonschema.validators.validate": "checks the schema and builds a validator",
}
_WRITES = re.compile(
    r"write|remove|unlink|rmdir|mkdir|makedirs|rename|replace|chmod|chown|link|touch|copy|move|rmtree|"
    r"fdopen|^os\.open$|truncate|fsync|utime|Temporary|mkstemp|mkdtemp|archive|sendfile"
)


def inputs(fn: FunctionInfo) -> set[str]:
    """The validator's parameters (not a classmethod's ``cls``) and the locals computed from them."""
    found = set(fn.params) - {"cls"}
    changed = True
    while changed:
        changed = False
        for name, values in fn.assigned.items():
            # A value of None is a loop variable or an unpacked item: assume it comes from the input.
            if name not in found and any(v is None or pm.names_in(v) & found for v in values):
                found.add(name)
                changed = True
    return found


def repeated_work(site: CallSite, fn: FunctionInfo, given: set[str], ctx: RuleContext) -> tuple[str, bool] | None:
    """(what the call does, whether it is a constant ``re.compile`` the fix can hoist), or None."""
    node = site.node
    func = node.func.value if type(node.func) is ast.Subscript else node.func  # ``TypeAdapter[T](T)``
    value = ctx.resolver.value_of(func, fn)
    qualname = value.qualname if type(value) is Ref else ""
    uses_input = bool(pm.names_in(node) & given)  # ``Path(v).exists()``: the receiver counts too
    if qualname == "re.compile" or qualname in REGEX_USERS:
        pattern = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "pattern"), None)
        if pattern is None or pm.names_in(pattern) & given or _lazily_cached(site, fn):
            return None
        if qualname == "re.compile" and not uses_input and (is_constant(pattern) or _named(pattern)):
            arguments = [*node.args, *(k.value for k in node.keywords)]
            return CONSTANT_PATTERN, _plain_constants(arguments, fn, ctx)
        return ("rebuilds its pattern", False) if _computed(pattern) else None  # a name: a cache lookup
    if qualname in HEAVY:
        return HEAVY[qualname], False
    client = catalog.CLIENT_CONSTRUCTORS.get(qualname)
    if client is not None:
        return f"creates {client}", False
    blocking = catalog.BLOCKING.get(qualname)
    if blocking is None or blocking.io is None:
        return None
    if blocking.code == "FAP104" and (uses_input or not _reads(qualname, node)):
        return None
    return blocking.io, False


def is_constant(expr: ast.expr) -> bool:
    if type(expr) is ast.Constant:
        return isinstance(expr.value, (str, bytes, int))
    return type(expr) is ast.BinOp and type(expr.op) is ast.Add and is_constant(expr.left) and is_constant(expr.right)


def _named(pattern: ast.expr) -> bool:
    """``PATTERN``, ``settings.SKU_REGEX``, ``cls.PATTERN``: a value fixed before the call (the input was ruled out)."""
    while type(pattern) is ast.Attribute:
        pattern = pattern.value
    return type(pattern) is ast.Name


def _plain_constants(arguments: list[ast.expr], fn: FunctionInfo, ctx: RuleContext) -> bool:
    """Whether the fix can compile the same pattern at import: literals and ``re`` flags only.

    A named pattern (``PHONE_REGEX``, ``settings.SKU_REGEX``) is reported
    without a fix: the name may be bound below the imports, where the fix
    adds its constant, and settings may not be loaded at import.
    """
    return all(_flags(a, fn, ctx) for a in arguments)


def _flags(expr: ast.expr, fn: FunctionInfo, ctx: RuleContext) -> bool:
    """``re.IGNORECASE | re.M``."""
    if type(expr) is ast.BinOp:
        return _flags(expr.left, fn, ctx) and _flags(expr.right, fn, ctx)
    if type(expr) is ast.Attribute and _same_at_module_level(expr, fn, ctx):
        value = ctx.resolver.value_of(expr, fn)
        return type(value) is Ref and value.qualname.startswith("re.")
    return is_constant(expr)



def _computed(pattern: ast.expr) -> bool:
    """A pattern built per call: a call, an f-string with values, ``+`` or ``%`` over names."""
    return not is_constant(pattern) and any(type(n) in (ast.Call, ast.FormattedValue, ast.BinOp) for n in ast.walk(pattern))


def _same_at_module_level(expr: ast.expr, fn: FunctionInfo, ctx: RuleContext) -> bool:
    """``re.IGNORECASE | re.M``: names and attributes that mean the same thing at module level."""
    for name in pm.names_in(expr):
        node = ast.Name(name, ast.Load())
        here = ctx.resolver.value_of(node, fn)
        if here is None or here != ctx.resolver.value_of(node, None):
            return False
    return all(type(n) in (ast.Name, ast.Attribute, ast.BinOp, ast.BitOr, ast.Load, ast.Constant) for n in ast.walk(expr))


def _lazily_cached(site: CallSite, fn: FunctionInfo) -> bool:
    """``_PATTERN = re.compile(...)`` under ``global _PATTERN``: compiled once, on first use."""
    parent = site.parent
    return type(parent) is ast.Assign and any(type(t) is ast.Name and t.id in fn.global_names for t in parent.targets)


def _reads(qualname: str, call: ast.Call) -> bool:
    """A read (``open`` in a read mode, ``read_text``, ``exists``, ``listdir``), not a write."""
    if _WRITES.search(qualname):
        return False
    if not qualname.endswith("open"):
        return True
    position = 0 if qualname.startswith("pathlib.") else 1  # ``Path.open(mode)``, ``open(file, mode)``
    mode = call.args[position] if len(call.args) > position else None
    mode = next((k.value for k in call.keywords if k.arg == "mode"), mode)
    if mode is None:
        return True
    return type(mode) is ast.Constant and isinstance(mode.value, str) and not set(mode.value) & set("wax+")

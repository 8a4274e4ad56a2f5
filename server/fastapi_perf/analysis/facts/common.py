"""What the dependency, background and aggregate facts all ask of a call, a value or another file."""

from __future__ import annotations

import ast
import re
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..catalog import DB_TYPE_PREFIXES
from ..findings import Range
from ..names.dotted import attribute_chain
from ..names.values import Instance
from ..source.facts import FunctionInfo

if TYPE_CHECKING:
    from .module_context import ModuleContext

_SESSION_WORDS = ("session", "db", "database", "conn", "connection", "tx", "uow")


@dataclass(frozen=True, slots=True)
class Site:
    """A place in a file: absolute in another file (``path``), or relative to the chunk that binds ``anchor``."""

    range: Range
    path: str | None = None
    anchor: str | None = None


_CALLEES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_RESULT_USES = (ast.withitem, ast.Assign, ast.AnnAssign, ast.Return, ast.Yield, ast.YieldFrom, ast.Await, ast.NamedExpr)


def callee_value(node: ast.Call, fn: FunctionInfo | None, module: ModuleContext):
    """What ``node`` calls (a ``Ref`` or ``Instance``), resolved once per call for the three fact modules."""
    memo = _CALLEES.get(module)
    if memo is None:
        memo = _CALLEES[module] = {}
    key = id(node)
    if key not in memo:
        memo[key] = module.resolver.value_of(node.func, fn)
    return memo[key]


def result_used(call) -> bool:
    """The call's result is kept: ``with x() as s``, ``s = x()``, ``return x()``, ``await x()``."""
    return type(call.parent) in _RESULT_USES


def is_argument(call) -> bool:
    """The call is an argument of another call (``f(g(x))``): rarely where work is hidden."""
    return type(call.parent) in (ast.Call, ast.keyword)


CACHE_TYPES = ("cachetools.", "aiocache.", "redis.", "fastapi_cache.", "cashews.", "diskcache.", "pymemcache.", "aiomcache.")


_CACHE_NAME = re.compile(r"(?i)(?:^|_)cache(?:d)?(?:$|_)")


def reads_cache(fn: FunctionInfo, module: ModuleContext) -> bool:
    """The function reads from a cache object: ``cache.get(key)`` on a cachetools/aiocache/Redis object or a ``*cache*`` name."""
    for call in fn.calls:
        func = call.node.func
        if type(func) is not ast.Attribute or func.attr not in ("get", "get_many", "mget", "hget", "__contains__"):
            continue
        receiver = module.resolver.value_of(func.value, fn)
        if type(receiver) is Instance and receiver.type.startswith(CACHE_TYPES):
            return True
        name = func.value.id if type(func.value) is ast.Name else func.value.attr if type(func.value) is ast.Attribute else ""
        if _CACHE_NAME.search(name):
            return True
    return False


def is_db_handle(expr: ast.expr, fn: FunctionInfo, module: ModuleContext) -> bool:
    """A session or connection: by its type when known, else by its name (``db``, ``session``)."""
    if type(expr) not in (ast.Name, ast.Attribute):
        return False
    value = module.resolver.value_of(expr, fn)
    if type(value) is Instance:
        return value.type.startswith(DB_TYPE_PREFIXES)
    name = (expr.id if type(expr) is ast.Name else expr.attr).lower()
    return value is None and name.rsplit("_", 1)[-1] in _SESSION_WORDS


def site_of(node: ast.AST, fn: FunctionInfo, module: ModuleContext, remote: bool) -> Site:
    chunk = module.chunk_of(fn)
    if chunk is None:
        return Site(Range((0, 0), (0, 0)), module.path if remote else None)
    span = chunk.node_range(node)
    if remote:
        return Site(span.shifted(chunk.origin), module.path or "")
    return Site(span, anchor=fn.qualname.partition(".")[0])


_FILES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def file_mentions(index, qualname: str, pattern: re.Pattern[str], span: Range | None = None) -> bool:
    """Whether the workspace file that defines ``qualname`` (or its lines ``span``) matches ``pattern``.

    A test before following a call into another file: computing a function's
    facts there re-parses that file, and most helpers a dependency or a route
    calls (auth, logging, formatting) cannot matter, which their text shows
    for the price of a read. Answers are kept per file version.
    """
    if index is None:
        return False
    split = index.module_of(qualname)
    if split is None:
        return False
    name = split[0]
    known = _FILES.setdefault(index, {})
    key = (name, pattern, span)
    digest = index.digests.get(name)  # set once the file is summarised; a new text gets a new one
    cached = known.get(key)
    if cached is not None and digest is not None and cached[0] == digest:
        return cached[1]
    path = index.files.get(name)
    text = index.read(path) if path is not None else None
    if text and span is not None:
        text = "\n".join(text.splitlines()[span.start.line : span.end.line + 1])
    found = bool(text and pattern.search(text))
    known[key] = (digest, found)
    return found


def export_mentions(index, export, pattern: re.Pattern[str]) -> bool:
    """Whether the body of a function of another file (a ``FunctionExport``) matches ``pattern``."""
    return export.range is None or file_mentions(index, export.qualname, pattern, export.range)


def workspace_name(qualname: str, module: ModuleContext) -> str:
    """A name of another file of the workspace under that file's full module name.

    Code imports a module by a shorter name than its path from the project
    root (``lnbits.decorators`` for ``src/lnbits/decorators.py``); keys that
    two files compare (a dependency's identity, a model) must spell it the
    same way from both.
    """
    index = module.index
    if index is None or module.is_own(qualname):
        return qualname
    split = index.module_of(qualname)
    if split is None:
        return qualname
    name, rest = split
    return f"{name}.{rest}" if rest else name


def scopes(fn: FunctionInfo | None):
    """``fn`` and the functions it is nested in, innermost first."""
    while fn is not None:
        yield fn
        fn = fn.parent


def call_label(expr: ast.expr) -> str:
    """A short source-like spelling of a callee or target: ``db.get``, ``Authenticated``, ``get_repo().items``."""
    if type(expr) is ast.Call:
        return call_label(expr.func)
    root, attrs = attribute_chain(expr)
    if type(root) is ast.Name:
        head = root.id
    elif type(root) is ast.Call:
        head = call_label(root.func) + "()"
    else:
        head = "…"
    return ".".join([head, *attrs])

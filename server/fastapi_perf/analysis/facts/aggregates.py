"""Aggregate queries and the caches in front of them: the evidence FAP602 needs.

An aggregate scans rows to answer with one number or a few groups:
SQLAlchemy's ``func.count/sum/avg/min/max``, ``Query.count()``,
``.group_by(...)``, or raw SQL with ``COUNT(``/``SUM(``/``GROUP BY``. Run by
a GET route on every request, it is a classic caching candidate: the answer
changes slowly and every caller gets the same one.

Not every aggregate is one. A count filtered by request values (the current
user, a query parameter) has as many answers as callers, and the total of a
paginated list goes with the page. So per function this module records the
first aggregate query it runs on its unconditional path (also through
helpers of this or another file), whether that query reads a parameter of
the function, whether the function paginates, and whether it is cached: a
caching decorator (cachetools, aiocache, fastapi-cache, ``lru_cache``...),
a lookup in a cache object before the query, or the ``if key in CACHE``
idiom. A cached helper, even in a service layer in another file, ends the
search.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..catalog import MEMOIZERS
from ..names.values import Ref
from ..source.facts import CallSite, FunctionInfo
from .background import Hop, Work
from .common import callee_value, is_argument, is_db_handle, reads_cache, site_of
from .function_facts import FunctionFacts

if TYPE_CHECKING:
    from .module_context import ModuleContext

AGGREGATE_FUNCTIONS = frozenset({"count", "sum", "avg", "min", "max", "array_agg", "string_agg", "group_concat"})
_FUNC_MODULES = ("sqlalchemy.func.", "sqlalchemy.sql.func.", "sqlalchemy.sql.functions.func.", "sqlalchemy.sql.expression.func.", "sqlmodel.func.")
_RUNNERS = frozenset("execute scalar scalars exec query fetch fetchrow fetchval fetch_one fetch_all fetch_val one".split())
RAW_AGGREGATE = re.compile(r"(?is)^\s*(?:select|with)\b.*(?:\b(?:count|sum|avg|min|max)\s*\(|\bgroup\s+by\b)")
_SQL_KEYWORD = re.compile(r"(?i)\b(count|sum|avg|min|max|group\s+by)\b")
CACHE_DECORATORS = MEMOIZERS | frozenset(
    """
    cachetools.cached cachetools.func.ttl_cache cachetools.func.lru_cache aiocache.cached aiocache.decorators.cached
    aiocache.cached_stampede aiocache.multi_cached fastapi_cache.decorator.cache fastapi_cache.decorator.cache_one_minute
    cashews.cache cashews.cache.cache async_lru.alru_cache
    """.split()
)
_PAGINATION_PARAMS = frozenset("skip offset limit page page_size per_page size cursor params pagination".split())
_PAGINATION_CALLS = frozenset({"limit", "offset", "slice", "paginate", "apaginate"})
_MAX_CHAIN = 3


@dataclass(frozen=True, slots=True)
class AggregateFacts:
    aggregate: Work | None = None
    parametrized: bool = False
    """The aggregate reads a parameter of the function: its answer depends on the caller."""
    per_request: bool = False
    """The aggregate reads what a request sets (a context variable): no caller gets another's answer."""
    paginates: bool = False
    cached: bool = False


def _first_aggregate_facts(fn: FunctionInfo, module: ModuleContext, remote: bool) -> AggregateFacts:
    work, parametrized, per_request = _first_aggregate(fn, module, remote)
    if work is None:
        return _NONE
    if is_cached(fn, module):
        return AggregateFacts(cached=True)
    return AggregateFacts(work, parametrized, per_request, paginates(fn, module))


_NONE = AggregateFacts()
aggregate_facts = FunctionFacts("aggregate", _first_aggregate_facts, _NONE)
"""The aggregate facts of a function: ``aggregate_facts(fn, module, remote=False)``."""


def is_cached(fn: FunctionInfo, module: ModuleContext) -> bool:
    """A caching decorator, the ``if key in CACHE: return`` idiom, or a read from a cache object."""
    for decorator in fn.node.decorator_list:
        target = decorator.func if type(decorator) is ast.Call else decorator
        value = module.resolver.value_of(target, fn.parent)
        if type(value) is Ref and (value.qualname in CACHE_DECORATORS or value.qualname.startswith(("fastapi_cache.", "cashews."))):
            return True
    return module.blocking.memoized(fn) or reads_cache(fn, module)


def paginates(fn: FunctionInfo, module: ModuleContext) -> bool:
    if any(name in _PAGINATION_PARAMS for name in fn.params):
        return True
    for call in fn.calls:
        func = call.node.func
        if type(func) is ast.Attribute and func.attr in _PAGINATION_CALLS:
            return True
        callee = module.resolver.callee(call.node, fn)
        if callee and callee.startswith("fastapi_pagination."):
            return True
    return False


def _first_aggregate(fn: FunctionInfo, module: ModuleContext, remote: bool) -> tuple[Work | None, bool, bool]:
    runs_query = any(_runs_query(c, module) for c in fn.calls if not c.conditional and not c.in_handler)
    for call in fn.calls:
        if call.in_lambda or call.conditional or call.in_handler:
            continue
        what = _aggregate(call, module) if runs_query else None
        if what is not None:
            hop = Hop(what, site_of(call.node, fn, module, remote))
            names = _names_near(call, fn)
            per_request = any(not fn.binds_locally(n) and _request_context(n, module) for n in names)
            return Work("an aggregate query", what, (hop,)), _reads_parameters(call, fn, module), per_request
        if is_argument(call):
            continue
        helper = _helper(call, module, remote)
        if helper is None:
            continue
        label, facts = helper
        work = facts.aggregate
        if work is None or facts.cached or facts.paginates or len(work.chain) >= _MAX_CHAIN:
            continue
        if facts.parametrized and _passes_values(call, fn, module):
            continue
        hop = Hop(label, site_of(call.node, fn, module, remote))
        return Work(work.what, work.target, (hop, *work.chain)), False, facts.per_request
    return None, False, False


def _runs_query(call: CallSite, module: ModuleContext) -> bool:
    func = call.node.func
    return type(func) is ast.Attribute and func.attr in _RUNNERS and is_db_handle(func.value, call.function, module)


def _aggregate(call: CallSite, module: ModuleContext) -> str | None:
    """How ``call`` aggregates, as the user spells it: ``func.count``, ``.count()``, ``group_by``, ``COUNT(...)``."""
    node = call.node
    func = node.func
    value = callee_value(node, call.function, module)
    callee = value.qualname if type(value) is Ref else ""
    if callee.startswith(_FUNC_MODULES) and callee.rpartition(".")[2] in AGGREGATE_FUNCTIONS:
        return f"func.{callee.rpartition('.')[2]}"
    if type(func) is ast.Attribute:
        if func.attr == "group_by":
            return ".group_by()"
        if func.attr == "count" and not node.args and not node.keywords and _query_chain(func.value, call, module):
            return ".count()"
    for argument in node.args[:1]:
        if type(argument) is ast.Constant and isinstance(argument.value, str) and RAW_AGGREGATE.search(argument.value):
            if callee in ("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text") or (
                type(func) is ast.Attribute and func.attr in _RUNNERS
            ):
                keyword = _SQL_KEYWORD.search(argument.value)
                return f"{' '.join(keyword.group(1).upper().split())} in SQL" if keyword else "an aggregate in SQL"
    return None


def _query_chain(expr: ast.expr, call: CallSite, module: ModuleContext) -> bool:
    """``db.query(User).filter(...)``: a chain rooted in a session's ``query``."""
    while type(expr) is ast.Call and type(expr.func) is ast.Attribute:
        if expr.func.attr == "query":
            entities = [module.resolver.value_of(a, call.function) for a in expr.args]
            if any(type(e) is Ref and e.qualname.startswith("builtins.") for e in entities):
                return False  # ``query(dict)``: a stand-in, not a mapped class
            return is_db_handle(expr.func.value, call.function, module)
        expr = expr.func.value
    return False


def _reads_parameters(call: CallSite, fn: FunctionInfo, module: ModuleContext) -> bool:
    """Whether the query around ``call`` reads a parameter (other than a session), directly or via locals."""
    names = _names_near(call, fn)
    seen: set[str] = set()
    while names:
        name = names.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in fn.params:
            node = ast.Name(name, ast.Load())
            if not is_db_handle(node, fn, module) and fn.params[name].node is not _first_arg(fn):
                return True
        for value in fn.assigned.get(name, ()):
            if value is not None:
                names |= {n.id for n in ast.walk(value) if type(n) is ast.Name}
    return False


def _request_context(name: str, module: ModuleContext) -> bool:
    """A context variable (``current_tenant.get()``), or a function of this file that reads one: set per
    request by a middleware or a dependency, so a filter on it differs per caller."""
    if _context_variable(name, module):
        return True
    value = module.resolver.value_of(ast.Name(name, ast.Load()), None)
    helper = module.resolver.local_function(value.qualname) if type(value) is Ref else None
    if helper is None:
        return False
    for call in helper.calls:
        func = call.node.func
        if type(func) is ast.Attribute and func.attr == "get" and type(func.value) is ast.Name:
            if not helper.binds_locally(func.value.id) and _context_variable(func.value.id, module):
                return True
    return False


def _context_variable(name: str, module: ModuleContext) -> bool:
    binding = module.symbols.bindings.get(name)
    if binding is None or binding.kind != "var" or type(binding.value) is not ast.Call:
        return False
    return module.resolver.callee(binding.value, None) == "contextvars.ContextVar"


def _names_near(call: CallSite, fn: FunctionInfo) -> set[str]:
    """Names in the statement that contains ``call``."""
    for statement in ast.walk(fn.node):
        if isinstance(statement, ast.stmt) and not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if any(n is call.node for n in ast.walk(statement)):
                if type(statement) in (ast.If, ast.For, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.AsyncFor):
                    continue
                return {n.id for n in ast.walk(statement) if type(n) is ast.Name}
    return set()


def _first_arg(fn: FunctionInfo):
    args = fn.node.args.posonlyargs + fn.node.args.args
    return args[0] if args and fn.class_name is not None else None


def _passes_values(call: CallSite, fn: FunctionInfo, module: ModuleContext) -> bool:
    """A call hands its helper something other than constants and sessions."""
    for argument in [*call.node.args, *(k.value for k in call.node.keywords)]:
        if type(argument) is ast.Constant or is_db_handle(argument, fn, module):
            continue
        return True
    return False


def _helper(call: CallSite, module: ModuleContext, remote: bool) -> tuple[str, AggregateFacts] | None:
    """A helper's aggregate facts; one of another file handed a session is always followed, others when they spell a query."""
    value = callee_value(call.node, call.function, module)
    if type(value) is not Ref:
        return None
    handed_session = module.resolver.local_function(value.qualname) is None and _passes_session(call, module)
    return aggregate_facts.of_helper(value.qualname, module, remote, spells=None if handed_session else _MARKERS)


_MARKERS = re.compile(r"func\.|\.count\(\)|group_by\(|(?i:\bselect\b|\bgroup\s+by\b)")
"""What a function that runs an aggregate query spells (``select``, ``func.``, ``.count()``, ``group_by``, ``GROUP BY``).

A route calls many helpers of other files (auth, logging, formatting), and
following one costs a parse of its file. A helper handed a session is always
followed; one that is not, only when its own body spells a query (so a chain
through a helper that neither gets a session nor queries is not followed).
"""


def _passes_session(call: CallSite, module: ModuleContext) -> bool:
    return any(is_db_handle(a, call.function, module) for a in [*call.node.args, *(k.value for k in call.node.keywords)])

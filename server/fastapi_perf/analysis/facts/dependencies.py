"""What one dependency callable does per request: the facts FAP401 and FAP402 compare.

FastAPI calls each dependency once per request and shares its value
(``use_cache=True``), but only with uses of the *same callable*. So two
different callables that each open a database session, or that each load
the current user, do that work twice. Per function this module records:

- ``depends``: its own ``Depends``/``Security`` parameters (default values,
  ``Annotated[...]`` and aliases of it, also aliases from other files, and a
  bare ``Depends()`` on a class annotation), as :class:`DepRef`;
- ``session``: where it opens a database session or connection itself
  (``SessionLocal()``, ``Session(engine)``, ``engine.connect()``,
  ``asyncpg.connect``), also through a helper of this or another file that
  does so on every call, and keeps it open past its return: a generator
  (``yield`` dependency) holds it for the request, a plain function that
  returns it hands it on. A plain function that opens one in a ``with``
  block has closed it before the next dependency runs (FastAPI resolves
  dependencies one after another), so it holds nothing;
- ``loads``: the data it fetches by key, as a comparable key: a model by
  primary key or filter (``db.get(User, user_id)``, ``select(User).where(
  User.id == user_id)``), or a helper called with a session whose result is
  kept (``log_in_with_token(session, token)``);
- ``calls``: direct calls to functions of the workspace (a permission class
  that calls ``get_current_user(request)`` itself runs it a second time).

Only what runs on every call counts: calls in a branch, an ``except`` block or
a lambda are skipped. Keys are built from where values come from (a path or
query parameter by name, another dependency by callable, a module constant)
so that two callables reading the same request compare equal; anything less
certain gives no key. The same facts travel in the workspace index for
functions of other files (``FunctionExport.facts``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..catalog import CONNECT_CALLS, QUERY_METHODS, SESSION_CLASSES, SESSION_FACTORIES
from ..names.values import Instance, Ref
from ..source.facts import FunctionInfo
from .common import (
    Site,
    call_label,
    callee_value,
    is_db_handle,
    reads_cache,
    result_used,
    scopes,
    site_of,
    workspace_name,
)
from .depends import DepRef, param_dependency
from .function_facts import FunctionFacts
from .session_origin import Origin, session_origin

if TYPE_CHECKING:
    from .module_context import ModuleContext

_STATEMENT_METHODS = frozenset({"execute", "scalar", "scalars", "exec"})
_TERMINALS = frozenset("first one one_or_none scalar scalar_one scalar_one_or_none get".split())
_CLAUSE_METHODS = frozenset({"where", "filter", "filter_by"})
_SELECTS = frozenset("sqlalchemy.select sqlalchemy.future.select sqlalchemy.sql.select sqlmodel.select".split())
_REQUEST_TYPES = frozenset("fastapi.Request starlette.requests.Request fastapi.WebSocket starlette.requests.HTTPConnection".split())
_MAX_DEPTH = 3
_MAX_CALLS = 24


@dataclass(frozen=True, slots=True)
class Effect:
    """Something a callable does: open a session, load data by a key, call a function."""

    key: tuple[str, ...]
    label: str
    site: Site
    via: str = ""
    """For ``session.get`` loads: the session's source. Two gets through one session hit its identity map, not the database."""
    origin: Origin | None = None
    """For sessions: the sessionmaker and engine they come from (two databases need two sessions)."""
    credential: tuple[str, ...] | None = None
    """For loads of a model: (model, the request values its key is derived from). Two dependencies that
    load the current user from one token compare equal here, however each decodes it."""
    keyed: bool = False
    """For sessions: opened through a helper handed a value of the caller (``get_session_with_tenant(tenant_id)``):
    the database or schema it reaches depends on that value, so queries on it answer per tenant or shard."""


@dataclass(frozen=True, slots=True)
class DependencyFacts:
    depends: tuple[DepRef, ...] = ()
    session: Effect | None = None
    loads: tuple[Effect, ...] = ()
    calls: tuple[Effect, ...] = ()
    queries: bool = False
    """Runs database queries itself (on a session it opened or was given)."""
    memoized: bool = False
    """Its result is reused across requests (``@lru_cache``, ``if X is not None: return X``)."""
    reads_cache: bool = False
    """It looks its answer up in a cache first (``cache.get(key)``): its loads run on a miss only."""

    @property
    def does_io(self) -> bool:
        return not self.memoized and (self.session is not None or bool(self.loads) or self.queries)




class _Collector:
    def __init__(self, fn: FunctionInfo, module: ModuleContext, remote: bool, depth: int) -> None:
        self.fn = fn
        self.module = module
        self.resolver = module.resolver
        self.remote = remote
        self.depth = depth

    def collect(self) -> DependencyFacts:
        fn = self.fn
        depends = tuple(ref for name in fn.params if (ref := param_dependency(fn, name, self.module)) is not None)
        session = None
        loads: list[Effect] = []
        calls: list[Effect] = []
        queries = False
        used = _used_values(fn)
        for call in fn.calls:
            if call.in_lambda or call.conditional or call.in_handler:
                continue
            if session is None and not (type(call.parent) is ast.withitem and not fn.is_generator):
                session = self._session(call.node, result_used(call))
            load = self._load(call.node, used)
            if load is not None:
                loads.append(load)
            func = call.node.func
            if type(func) is ast.Attribute and func.attr in QUERY_METHODS and self.is_db_handle(func.value):
                queries = True
            if len(calls) < _MAX_CALLS:
                target = self._workspace_function(call.node)
                if target is not None:
                    calls.append(Effect(("callable", target), call_label(call.node.func), self.site(call.node)))
        memoized = self.module.blocking.memoized(fn)
        cache = bool(loads) and reads_cache(fn, self.module)
        return DependencyFacts(depends, session, tuple(loads), tuple(calls), queries, memoized, cache)

    # -- sessions ---------------------------------------------------------------
    def _session(self, node: ast.Call, used: bool) -> Effect | None:
        value = callee_value(node, self.fn, self.module)
        label = call_label(node.func) + "()"
        if type(value) is Ref:  # a session factory made in another file (``from .db import SessionLocal``)
            value = self.resolver.deref(value)
        if type(value) is Instance and value.type in SESSION_FACTORIES:
            return Effect(("session", value.type), label, self.site(node), origin=self._origin(node))
        if type(value) is not Ref:
            return None
        qualname = value.qualname
        if qualname in SESSION_CLASSES or qualname in CONNECT_CALLS:
            return Effect(("session", qualname), label, self.site(node), origin=self._origin(node))
        if self.depth >= _MAX_DEPTH or not used:
            return None
        helper = function_facts.of_function(qualname, self.module, self.remote, self.depth + 1, spells=_OPENS_SESSIONS)
        if helper is not None and helper.session is not None and not helper.memoized:
            opened = helper.session
            keyed = opened.keyed or self._hands_values(node)
            return Effect(opened.key, f"{label} → {opened.label}", self.site(node), origin=opened.origin, keyed=keyed)
        return None

    def _hands_values(self, node: ast.Call) -> bool:
        """The helper is given a value of this call, a parameter or a local (``tenant_id``), not a constant or a global."""
        for argument in [*node.args, *(k.value for k in node.keywords)]:
            for name in ast.walk(argument):
                if type(name) is ast.Name and (name.id in self.fn.params or (name.id in self.fn.assigned and name.id not in self.fn.global_names)):
                    return True
        return False

    def _origin(self, node: ast.Call) -> Origin:
        return session_origin(node, self.fn, self.module, canonical)

    def _workspace_function(self, node: ast.Call) -> str | None:
        """A function of the workspace ``node`` calls; other files are not summarised for this."""
        value = callee_value(node, self.fn, self.module)
        if type(value) is not Ref:
            return None
        if self.resolver.local_function(value.qualname) is not None:
            return value.qualname
        index = self.module.index
        if index is not None and not self.module.is_own(value.qualname) and index.module_of(value.qualname) is not None:
            return workspace_name(value.qualname, self.module)
        return None

    # -- loads --------------------------------------------------------------------
    def _load(self, node: ast.Call, used: set[int]) -> Effect | None:
        func = node.func
        if type(func) is not ast.Attribute:
            return self._helper_load(node, used)
        if func.attr == "get" and len(node.args) >= 2 and self.is_db_handle(func.value):
            model = self._model(node.args[0])
            key = canonical(node.args[1], self.fn, self.module)
            if model and key:
                source = canonical(func.value, self.fn, self.module) or f"?{id(node)}"
                label = f"{call_label(func)}({call_label(node.args[0])}, ...)"
                return Effect(("model", model, key), label, self.site(node), f"get:{source}", credential=_credential(model, key))
            return None
        if func.attr in _STATEMENT_METHODS and node.args and self.is_db_handle(func.value):
            found = self._statement(node.args[0])
            if found is not None:
                label = f"{call_label(func)}(select({found[0].rpartition('.')[2]})...)"
                return Effect(("model", *found), label, self.site(node), credential=_credential(*found))
            return None
        if func.attr in _TERMINALS and not node.args:
            found = self._query_chain(func.value)
            if found is not None:
                label = f"query({found[0].rpartition('.')[2]})...{func.attr}()"
                return Effect(("model", *found), label, self.site(node), credential=_credential(*found))
            return None
        return self._helper_load(node, used)

    def _helper_load(self, node: ast.Call, used: set[int]) -> Effect | None:
        """``user = await log_in_with_token(session, token)``: a helper handed a session, its result kept."""
        if id(node) not in used:
            return None
        arguments = [*node.args, *(k.value for k in node.keywords)]
        if not any(self.is_db_handle(a) for a in arguments):
            return None
        value = callee_value(node, self.fn, self.module)
        if type(value) is not Ref or self.resolver.class_bases(value.qualname) is not None:
            return None  # constructing an object around the session (a repository) fetches nothing
        parts = [f"{k.arg}={canonical(k.value, self.fn, self.module)}" for k in node.keywords if not self.is_db_handle(k.value)]
        parts += [canonical(a, self.fn, self.module) or "" for a in node.args if not self.is_db_handle(a)]
        if any(p == "" or p.endswith("=None") for p in parts):
            return None
        key = ("call", workspace_name(value.qualname, self.module), *sorted(parts))
        return Effect(key, call_label(node.func) + "(...)", self.site(node), credential=self._helper_credential(value.qualname, parts))

    def _helper_credential(self, qualname: str, arguments: list[str]) -> tuple[str, ...] | None:
        """What a helper handed a session loads, keyed by the request values of this call's arguments."""
        sources = _sources(" ".join(arguments))
        if not sources or self.depth >= _MAX_DEPTH:
            return None
        helper = function_facts.of_function(qualname, self.module, self.remote, self.depth + 1, spells=_LOADS)
        if helper is None or helper.memoized or helper.reads_cache:
            return None
        for load in helper.loads:
            if load.key[0] == "model":
                return (load.key[1], *sources)
            if load.credential is not None:
                return (load.credential[0], *sources)
        return None

    def _statement(self, expr: ast.expr, depth: int = 0) -> tuple[str, str] | None:
        """``select(User).where(User.id == user_id)`` (or a local holding it): (model, clauses)."""
        if depth > 3:
            return None
        if type(expr) is ast.Name:
            values = _assignments(expr.id, self.fn)
            return self._statement(values[0], depth + 1) if len(values) == 1 else None
        clauses: list[str] = []
        while type(expr) is ast.Call and type(expr.func) is ast.Attribute:
            if expr.func.attr in _CLAUSE_METHODS:
                for argument in [*expr.args, *(k.value for k in expr.keywords)]:
                    text = canonical(argument, self.fn, self.module)
                    if text is None:
                        return None
                    clauses.append(text)
            elif expr.func.attr not in ("limit", "options", "execution_options"):
                return None
            expr = expr.func.value
        if type(expr) is not ast.Call or self.resolver.callee(expr, self.fn) not in _SELECTS or len(expr.args) != 1:
            return None
        model = self._model(expr.args[0])
        return (model, _key_of(clauses, model)) if model and clauses else None

    def _query_chain(self, expr: ast.expr) -> tuple[str, str] | None:
        """``db.query(User).filter(User.id == user_id)`` before ``.first()``: (model, clauses)."""
        clauses: list[str] = []
        while type(expr) is ast.Call and type(expr.func) is ast.Attribute:
            attr = expr.func.attr
            if attr == "query":
                if len(expr.args) != 1 or not self.is_db_handle(expr.func.value):
                    return None
                model = self._model(expr.args[0])
                return (model, _key_of(clauses, model)) if model and clauses else None
            if attr not in _CLAUSE_METHODS:
                return None
            for argument in [*expr.args, *(f"{k.arg}={canonical(k.value, self.fn, self.module)}" for k in expr.keywords)]:
                text = argument if isinstance(argument, str) else canonical(argument, self.fn, self.module)
                if text is None or text.endswith("=None"):
                    return None
                clauses.append(text)
            expr = expr.func.value
        return None

    def _model(self, expr: ast.expr) -> str | None:
        value = self.resolver.value_of(expr, self.fn)
        if type(value) is not Ref or value.qualname.startswith("builtins."):
            return None
        return workspace_name(value.qualname, self.module)

    # -- helpers ----------------------------------------------------------------------
    def is_db_handle(self, expr: ast.expr) -> bool:
        return is_db_handle(expr, self.fn, self.module)

    def site(self, node: ast.AST) -> Site:
        return site_of(node, self.fn, self.module, self.remote)


def _collect(fn: FunctionInfo, module: ModuleContext, remote: bool, depth: int = 0) -> DependencyFacts:
    return _Collector(fn, module, remote, depth).collect()


function_facts = FunctionFacts("dependency", _collect, DependencyFacts())
"""The dependency facts of a function of ``module``: ``function_facts(fn, module, remote=False, depth=0)``."""

_OPENS_SESSIONS = re.compile(r"sessionmaker|Session\w*\(|connect\(|\.begin\(|acquire\(")
"""What a function that opens a session spells: looked for in its file, then in its own lines."""


# -- comparable keys ---------------------------------------------------------------------

_SOURCE = re.compile(r"dep:[^\s,()\[\]]+|param:\w+|\brequest\b")
_UNNAMED_AT = re.compile(r"^(dep:\?[\w.]+@[\w.]+):.*$")
_LOADS = re.compile(r"\.(?:get|query|execute|scalars?|exec|first|one)\(|select\(")
"""What a helper that loads a model spells."""


def _sources(key: str) -> tuple[str, ...]:
    """The request values a key is derived from: dependencies, parameters, the request itself.

    A dependency whose callable is not known by name is told by where it is
    used (``dep:?oauth2@app.main:get_user(token):14:34``); as a source, the
    name it is spelled with counts (``dep:?oauth2@app.main``): two uses of one
    module-level ``oauth2`` are one callable.
    """
    return tuple(sorted({_UNNAMED_AT.sub(r"\1", source) for source in _SOURCE.findall(key)}))


def _credential(model: str, key: str) -> tuple[str, ...] | None:
    sources = _sources(key)
    return (model, *sources) if sources else None



def canonical(expr: ast.expr, fn: FunctionInfo, module: ModuleContext, depth: int = 0) -> str | None:
    """Where a value comes from, as text two callables can compare; None when not certain."""
    if depth > 8:
        return None
    kind = type(expr)
    if kind is ast.Constant:
        return repr(expr.value)
    if kind is ast.Name:
        return _name_source(expr.id, fn, module, depth)
    if kind is ast.Attribute:
        base = canonical(expr.value, fn, module, depth + 1)
        return f"{base}.{expr.attr}" if base else None
    if kind is ast.Await:
        return canonical(expr.value, fn, module, depth + 1)
    if kind is ast.Subscript:
        base, index = canonical(expr.value, fn, module, depth + 1), canonical(expr.slice, fn, module, depth + 1)
        return f"{base}[{index}]" if base and index else None
    parts: list[ast.expr]
    if kind is ast.Call:
        head = module.resolver.callee(expr, fn) or canonical(expr.func, fn, module, depth + 1)
        args = [canonical(a, fn, module, depth + 1) for a in expr.args]
        args += [f"{k.arg}={canonical(k.value, fn, module, depth + 1)}" for k in expr.keywords]
        if head is None or any(a is None or a.endswith("=None") for a in args):
            return None
        return f"{head}({', '.join(args)})"  # type: ignore[arg-type]
    if kind is ast.Compare:
        parts, op = [expr.left, *expr.comparators], "".join(type(o).__name__ for o in expr.ops)
    elif kind is ast.BoolOp:
        parts, op = list(expr.values), type(expr.op).__name__
    elif kind is ast.BinOp:
        parts, op = [expr.left, expr.right], type(expr.op).__name__
    elif kind in (ast.Tuple, ast.List):
        parts, op = list(expr.elts), ","
    else:
        return None
    texts = [canonical(p, fn, module, depth + 1) for p in parts]
    return f"({f' {op} '.join(texts)})" if all(texts) else None  # type: ignore[arg-type]


def _name_source(name: str, fn: FunctionInfo, module: ModuleContext, depth: int) -> str | None:
    for scope in scopes(fn):
        if name in scope.global_names:
            break
        if name in scope.params:
            return _param_source(scope, name, module)
        if name in scope.assigned:
            values = scope.assigned[name]
            return canonical(values[0], scope, module, depth + 1) if len(values) == 1 and values[0] is not None else None
        if name in scope.imports:
            return workspace_name(module.symbols.absolute_import(scope.imports[name]), module)
    binding = module.symbols.bindings.get(name)
    if binding is None:
        return None
    if binding.kind == "import":
        return workspace_name(module.symbols.absolute_import(binding.target), module)
    return module.symbols.qualify(name)


def _param_source(fn: FunctionInfo, name: str, module: ModuleContext) -> str | None:
    """A parameter: another dependency (by callable), the request, or a request field by name."""
    param = fn.params[name]
    if fn.class_name is not None and next(iter(fn.params)) == name:
        return None  # ``self``: two instances may hold different values
    ref = param_dependency(fn, name, module)
    if ref is not None:
        return f"dep:{ref.target or ref.identity}"
    if param.annotation is not None:
        annotated = module.resolver.annotation_type(param.annotation, fn.parent)
        if annotated in _REQUEST_TYPES:
            return "request"
    return f"param:{name}"


def _key_of(clauses: list[str], model: str) -> str:
    """Filters as one key; ``Model.id == x`` (or ``id=x``) is ``x``, as in ``session.get(Model, x)``."""
    if len(clauses) == 1:
        clause = clauses[0]
        for prefix in (f"({model}.id Eq ", "id="):
            if clause.startswith(prefix):
                return clause[len(prefix):].removesuffix(")") if prefix.startswith("(") else clause[len(prefix):]
    return " and ".join(sorted(clauses))


def _used_values(fn: FunctionInfo) -> set[int]:
    """Calls whose result the function keeps: assigned to a name or returned."""
    used = set()
    for values in fn.assigned.values():
        for value in values:
            if value is not None:
                used.add(id(value.value if type(value) is ast.Await else value))
    for value in fn.results:
        used.add(id(value.value if type(value) is ast.Await else value))
    return used


def _assignments(name: str, fn: FunctionInfo) -> list[ast.expr]:
    for scope in scopes(fn):
        if name in scope.assigned:
            return [v for v in scope.assigned[name] if v is not None]
        if name in scope.params:
            return []
    return []

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
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .facts import FunctionInfo
from .findings import Range
from .resolve import Instance, Ref

if TYPE_CHECKING:
    from .context import ModuleContext

SESSION_CLASSES = frozenset(
    "sqlalchemy.orm.Session sqlalchemy.ext.asyncio.AsyncSession sqlmodel.Session "
    "sqlmodel.ext.asyncio.session.AsyncSession".split()
)
SESSION_FACTORIES = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.ext.asyncio.async_sessionmaker"})
"""Calling one of these makes a new session (a ``scoped_session`` hands back the scope's one)."""
CONNECT_CALLS = frozenset(
    """
    sqlalchemy.engine.Engine.connect sqlalchemy.engine.Engine.begin sqlalchemy.ext.asyncio.AsyncEngine.connect
    sqlalchemy.ext.asyncio.AsyncEngine.begin asyncpg.connect asyncpg.Pool.acquire psycopg2.connect psycopg.connect
    psycopg.AsyncConnection.connect pymysql.connect aiomysql.connect aiosqlite.connect sqlite3.connect
    """.split()
)
DB_TYPE_PREFIXES = ("sqlalchemy.", "sqlmodel.", "asyncpg.", "psycopg", "pymysql.", "aiomysql.", "aiosqlite.", "sqlite3.", "databases.")
QUERY_METHODS = frozenset("execute scalar scalars exec get get_one query fetch fetchrow fetchval fetch_one fetch_all".split())
_STATEMENT_METHODS = frozenset({"execute", "scalar", "scalars", "exec"})
_TERMINALS = frozenset("first one one_or_none scalar scalar_one scalar_one_or_none get".split())
_CLAUSE_METHODS = frozenset({"where", "filter", "filter_by"})
_SELECTS = frozenset("sqlalchemy.select sqlalchemy.future.select sqlalchemy.sql.select sqlmodel.select".split())
_REQUEST_TYPES = frozenset("fastapi.Request starlette.requests.Request fastapi.WebSocket starlette.requests.HTTPConnection".split())
_DEPENDS_NAMES = frozenset({"fastapi.Depends", "fastapi.Security"})
_SESSION_WORDS = ("session", "db", "database", "conn", "connection", "tx", "uow")
_MAX_DEPTH = 3
_MAX_CALLS = 24


@dataclass(frozen=True, slots=True)
class Site:
    """A place in a file: absolute in another file (``path``), or relative to the chunk that binds ``anchor``."""

    range: Range
    path: str | None = None
    anchor: str | None = None


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


@dataclass(frozen=True, slots=True)
class Effect:
    """Something a callable does: open a session, load data by a key, call a function."""

    key: tuple[str, ...]
    label: str
    site: Site
    via: str = ""
    """For ``session.get`` loads: the session's source. Two gets through one session hit its identity map, not the database."""


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


_MEMO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
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


def function_facts(fn: FunctionInfo, module: ModuleContext, remote: bool = False, depth: int = 0) -> DependencyFacts:
    """The facts of a function of ``module``; ``remote`` places sites by path (for the index)."""
    memo = _MEMO.setdefault(module, {})
    key = (id(fn), remote)
    if key in memo:
        return memo[key] or DependencyFacts()
    memo[key] = None  # a cycle is no evidence
    facts = _Collector(fn, module, remote, depth).collect()
    memo[key] = facts
    return facts


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
                    calls.append(Effect(("callable", target), _label(call.node.func), self.site(call.node)))
        memoized = self.module.blocking.memoized(fn)
        cache = bool(loads) and reads_cache(fn, self.module)
        return DependencyFacts(depends, session, tuple(loads), tuple(calls), queries, memoized, cache)

    # -- sessions ---------------------------------------------------------------
    def _session(self, node: ast.Call, used: bool) -> Effect | None:
        value = callee_value(node, self.fn, self.module)
        label = _label(node.func) + "()"
        if type(value) is Ref:  # a session factory made in another file (``from .db import SessionLocal``)
            value = self.resolver.deref(value)
        if type(value) is Instance and value.type in SESSION_FACTORIES:
            return Effect(("session", value.type), label, self.site(node))
        if type(value) is not Ref:
            return None
        qualname = value.qualname
        if qualname in SESSION_CLASSES or qualname in CONNECT_CALLS:
            return Effect(("session", qualname), label, self.site(node))
        if self.depth >= _MAX_DEPTH or not used:
            return None
        if self.resolver.local_function(qualname) is None and not _may_open_session(qualname, self.module):
            return None
        helper = self.helper_facts(qualname)
        if helper is not None and helper.session is not None and not helper.memoized:
            return Effect(helper.session.key, f"{label} → {helper.session.label}", self.site(node))
        return None

    def helper_facts(self, qualname: str) -> DependencyFacts | None:
        """Facts of a workspace function by name: of this file, else from the index."""
        local = self.resolver.local_function(qualname)
        if local is not None:
            return function_facts(local, self.module, self.remote, self.depth + 1)
        return remote_facts(qualname, self.module)

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
                return Effect(("model", model, key), f"{_label(func)}({_label(node.args[0])}, ...)", self.site(node), f"get:{source}")
            return None
        if func.attr in _STATEMENT_METHODS and node.args and self.is_db_handle(func.value):
            found = self._statement(node.args[0])
            if found is not None:
                return Effect(("model", *found), f"{_label(func)}(select({found[0].rpartition('.')[2]})...)", self.site(node))
            return None
        if func.attr in _TERMINALS and not node.args:
            found = self._query_chain(func.value)
            if found is not None:
                return Effect(("model", *found), f"query({found[0].rpartition('.')[2]})...{func.attr}()", self.site(node))
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
        if type(value) is not Ref:
            return None
        parts = [f"{k.arg}={canonical(k.value, self.fn, self.module)}" for k in node.keywords if not self.is_db_handle(k.value)]
        parts += [canonical(a, self.fn, self.module) or "" for a in node.args if not self.is_db_handle(a)]
        if any(p == "" or p.endswith("=None") for p in parts):
            return None
        return Effect(("call", workspace_name(value.qualname, self.module), *sorted(parts)), _label(node.func) + "(...)", self.site(node))

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


def remote_facts(qualname: str, module: ModuleContext) -> DependencyFacts | None:
    """The dependency facts the workspace index holds for a function of another file."""
    found = module.remote_function(qualname)
    return getattr(found.facts, "dependency", None) if found is not None else None


_OPENS_SESSIONS = re.compile(r"sessionmaker|Session\w*\(|connect\(|\.begin\(|acquire\(")
"""What a function that opens a session spells: looked for in its file, then in its own lines."""
_FILES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _may_open_session(qualname: str, module: ModuleContext) -> bool:
    """A helper of another file whose body spells something that opens a session (checked before computing its facts)."""
    index = module.index
    if index is None or module.is_own(qualname) or not file_mentions(index, qualname, _OPENS_SESSIONS):
        return False
    found = module.remote_function(qualname)
    return found is not None and export_mentions(index, found, _OPENS_SESSIONS)


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
    """Whether the body of a function of another file (a ``workspace.FunctionExport``) matches ``pattern``."""
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


# -- Depends(...) -------------------------------------------------------------------------


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
        if type(annotation) is ast.Name and not any(s.binds_locally(annotation.id) for s in _scopes(scope)):
            binding = module.symbols.bindings.get(annotation.id)
            if binding is not None and binding.kind == "var":
                return alias_dependency(annotation.id, module)
        value = resolver.value_of(annotation, scope)
        if type(value) is Ref and module.index is not None and not module.is_own(value.qualname):
            from .workspace import Alias

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
    label = _label(target) + ("()" if type(target) is ast.Call else "")
    where = f"@{module.symbols.module_name}:{place}:{call.lineno}:{call.col_offset}"
    declared = resolver.annotation_type(annotation, scope) if annotation is not None else None
    if type(value) is Instance:
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
        ref = DepRef(ref.identity + suffix, ref.target, ref.kind, label, ref.security, ref.value_type)
    return ref


def _name_identity(expr: ast.expr, scope: FunctionInfo | None, module: ModuleContext) -> str | None:
    """``auth`` (a module-level instance) -> ``app.deps.auth``: one object, one cached value."""
    parts = []
    while type(expr) is ast.Attribute:
        parts.append(expr.attr)
        expr = expr.value
    if type(expr) is not ast.Name:
        return None
    if scope is not None and any(s.binds_locally(expr.id) for s in _scopes(scope)):
        return None
    binding = module.symbols.bindings.get(expr.id)
    if binding is None:
        return None
    head = module.symbols.absolute_import(binding.target) if binding.kind == "import" else module.symbols.qualify(expr.id)
    return workspace_name(".".join([head, *reversed(parts)]), module)


def _scopes(fn: FunctionInfo | None):
    while fn is not None:
        yield fn
        fn = fn.parent


# -- comparable keys ---------------------------------------------------------------------


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
    for scope in _scopes(fn):
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
    for scope in _scopes(fn):
        if name in scope.assigned:
            return [v for v in scope.assigned[name] if v is not None]
        if name in scope.params:
            return []
    return []


def _label(expr: ast.expr) -> str:
    """A short source-like spelling of a callee or target: ``db.get``, ``Authenticated``."""
    if type(expr) is ast.Call:
        return _label(expr.func)
    parts = []
    while type(expr) is ast.Attribute:
        parts.append(expr.attr)
        expr = expr.value
    if type(expr) is ast.Name:
        parts.append(expr.id)
    elif type(expr) is ast.Call:
        parts.append(_label(expr.func) + "()")
    else:
        parts.append("…")
    return ".".join(reversed(parts))

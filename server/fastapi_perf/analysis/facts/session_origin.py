"""Which database a session comes from: its sessionmaker, its engine and the engine's URL, as far as the code shows.

Two session dependencies in one request hold two pooled connections to one
database only when they draw from the same one. An application with a
reporting database beside the main one needs a session on each: one session
cannot query both. So FAP401 compares where sessions come from:

- ``SessionLocal()``: the sessionmaker ``SessionLocal`` and the engine it
  was made with (``sessionmaker(bind=engine)``, ``async_sessionmaker(engine)``);
- ``Session(engine)``, ``engine.connect()``: the engine;
- an engine's URL, the first argument of ``create_engine(...)``: a sync and
  an async engine on one URL (``sqlite://`` and ``sqlite+aiosqlite://``, or
  ``str(settings.DB_URL)`` and ``str(settings.DB_URL).replace(...)``) are one
  database.

Assignments are read in this file or in another of the workspace (there only
its imports and module-level assignments are parsed). Values are named as the fact
modules name them (``dependencies.canonical``, passed in): by the
module-level name they are bound to, across files.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..names.symbols import ModuleSymbols
from ..source.chunks import parse_chunk_text
from ..source.facts import FunctionInfo
from ..source.scanner import split_statements
from .module_context import ModuleContext

Canonical = Callable[[ast.expr, FunctionInfo | None, ModuleContext], str | None]


@dataclass(frozen=True, slots=True)
class Origin:
    factory: str | None = None
    """The sessionmaker's name (``app.db.SessionLocal``)."""
    engine: str | None = None
    """The engine's name (``app.db.engine``)."""
    url: str | None = None
    """The engine's URL as written (``'sqlite://'``, ``app.config.settings.DATABASE_URL``)."""


_IMPORT = re.compile(r"^[ \t]*(?:from|import)[ \t]", re.M)
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*\s*(?::[^=\n]*)?=(?!=)", re.M)
"""A module-level ``name = ...``: the statements read in another file, with its imports."""
_DRIVER = re.compile(r"^'([a-z]+)\+[a-z0-9_]+:")


def session_origin(node: ast.Call, fn: FunctionInfo, module: ModuleContext, canonical: Canonical) -> Origin:
    """Where the session ``node`` opens comes from."""
    func = node.func
    if type(func) is ast.Attribute and func.attr in ("connect", "begin"):
        return _engine_origin(func.value, fn, module, canonical, None)
    bound = _bind_argument(node)
    if bound is not None and _spelled(func).endswith("Session"):
        return _engine_origin(bound, fn, module, canonical, None)  # ``Session(engine)``
    factory = canonical(func, fn, module)
    if factory is None:
        return Origin()
    found = _assigned_call(factory, module)
    if found is None:
        return Origin(factory)
    call, context = found
    try:
        bound = _bind_argument(call)
        engine = _engine_origin(bound, None, context, canonical, factory) if bound is not None else Origin()
    finally:
        if context is not module:
            context.release(trees=True)
    return Origin(factory, engine.engine, engine.url)


def same_database(first: Origin, second: Origin) -> str | bool | None:
    """What two sessions share (``"from the sessionmaker `SessionLocal`"``), False when they are on different
    databases, None when that is not known."""
    if first.factory is not None and first.factory == second.factory:
        return f"from the sessionmaker `{_short(first.factory)}`"
    if first.engine is not None and first.engine == second.engine:
        return f"from the engine `{_short(first.engine)}`"
    if first.url is not None and second.url is not None:
        one, other = _normal_url(first.url), _normal_url(second.url)
        if one == other or one in other or other in one:
            return f"on one database (`{_shown_url(first.url)}`)"
        return False
    return None


def _engine_origin(expr: ast.expr, fn: FunctionInfo | None, module: ModuleContext, canonical: Canonical, owner: str | None) -> Origin:
    if type(expr) is ast.Call:  # ``bind=create_engine(url)``: an engine of its own
        return Origin(engine=f"{owner}.<engine>" if owner else None, url=_url(expr, fn, module, canonical))
    name = canonical(expr, fn, module)
    if name is None:
        return Origin()
    found = _assigned_call(name, module)
    if found is None:
        return Origin(engine=name)
    call, context = found
    try:
        return Origin(engine=name, url=_url(call, None, context, canonical))
    finally:
        if context is not module:
            context.release(trees=True)


def _url(call: ast.Call, fn: FunctionInfo | None, module: ModuleContext, canonical: Canonical) -> str | None:
    argument = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "url"), None)
    return canonical(argument, fn, module) if argument is not None else None


def _normal_url(url: str) -> str:
    """``'postgresql+asyncpg://...'`` is ``'postgresql://...'``: one database, two drivers."""
    return _DRIVER.sub(r"'\1:", url)


def _shown_url(url: str) -> str:
    return url[1:-1] if url[:1] in "'\"" else _short(url)


def _short(name: str) -> str:
    return name.rpartition(".")[2]


def _spelled(func: ast.expr) -> str:
    return func.id if type(func) is ast.Name else func.attr if type(func) is ast.Attribute else ""


def _bind_argument(call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "bind":
            return keyword.value
    return call.args[0] if call.args else None


def _assigned_call(qualname: str, module: ModuleContext) -> tuple[ast.Call, ModuleContext] | None:
    """The call a module-level name was assigned from, and the context to read its arguments in."""
    prefix = module.symbols.qualify("")
    if qualname.startswith(prefix):
        binding = module.symbols.bindings.get(qualname[len(prefix):])
        value = binding.value if binding is not None and binding.kind == "var" else None
        if type(value) is ast.Call:
            return value, module
        if binding is not None or module.text is not None:
            return None  # bound otherwise; or the whole file was at hand
    index = module.index
    split = index.module_of(qualname) if index is not None else None
    if split is None or not split[1] or "." in split[1]:
        return None
    name, variable = split
    path = index.files.get(name)
    text = index.read(path) if path is not None else None
    if not text:
        return None
    chunks = [
        parse_chunk_text("\n" * span.line + text[span.start : span.end], 0)
        for span in split_statements(text)
        if _IMPORT.match(text, span.start) or _ASSIGNMENT.match(text, span.start)
    ]
    symbols = ModuleSymbols.merge([c.facts for c in chunks], name, path.name == "__init__.py")
    binding = symbols.bindings.get(variable)
    value = binding.value if binding is not None and binding.kind == "var" else None
    if type(value) is not ast.Call:
        return None
    return value, ModuleContext(chunks, symbols, module.options, str(path), index=index)

"""Whether an iterable holds database rows: the evidence FAP301 requires.

Only what the function itself shows counts: a query method on a database
handle (``db.query(User)``, ``session.execute(stmt)``, ``conn.fetch(sql)``,
prisma's ``find_many``) or with a SQL statement; a call handed a database
handle (``crud.get_users(db)``, ``read_events(session, f)``); a function of
a ``crud`` module; or a local variable assigned one of those, also by
unpacking (``rows, total = await service.list(session)``). ``await``,
``list(...)`` and result methods (``.all()``, ``.scalars()``,
``.filter(...)``) are looked through.
"""

from __future__ import annotations

import ast
import re

from ...analysis import FunctionInfo, Instance, Resolver, Unpacked, attribute_chain

DB_TYPE_PREFIXES = (
    "sqlalchemy.", "sqlmodel.", "asyncpg.", "databases.", "psycopg", "pymysql.", "sqlite3.", "aiosqlite.",
    "aiomysql.", "motor.", "pymongo.", "prisma.", "tortoise.", "piccolo.", "peewee.", "beanie.",
)
NOT_DB_TYPE_PREFIXES = ("requests.", "httpx.", "aiohttp.", "urllib3.", "boto3.", "botocore.")
QUERY_METHODS = frozenset("query execute scalars exec stream stream_scalars fetch fetchall find_many query_raw".split())
RESULT_METHODS = frozenset(
    "all fetchall fetchmany scalars unique mappings partitions yield_per tuples columns "
    "filter filter_by where order_by limit offset join outerjoin options distinct group_by having "
    "execution_options params select_from".split()
)
"""What turns a query or a result into rows, or refines a query before it runs."""
WRAPPERS = frozenset({"builtins.list", "builtins.tuple", "builtins.sorted", "builtins.reversed", "builtins.enumerate", "builtins.set"})
SESSION_NAME = re.compile(r"(?:^|_)(?:session|sess|db|database|conn|connection|cursor|cur|tx|uow)$", re.IGNORECASE)
STATEMENT_BUILDERS = frozenset(
    "sqlalchemy.select sqlalchemy.text sqlalchemy.sql.select sqlalchemy.sql.text sqlalchemy.future.select "
    "sqlalchemy.sql.expression.select sqlalchemy.sql.expression.text sqlmodel.select sqlmodel.sql.expression.select".split()
)


def db_source(expr: ast.expr | None, fn: FunctionInfo, resolver: Resolver, depth: int = 0) -> ast.expr | None:
    """The database call that ``expr``'s rows come from, or None when nothing shows they do."""
    if expr is None or depth > 6:
        return None
    kind = type(expr)
    if kind is ast.Await or kind is Unpacked:  # ``rows, total = await service.list(session, ...)``
        return db_source(expr.value, fn, resolver, depth + 1)
    if kind is ast.Name:
        return next((v for v in assignments(expr.id, fn) if db_source(v, fn, resolver, depth + 1) is not None), None)
    if kind is not ast.Call:
        return None
    func = expr.func
    callee = resolver.callee(expr, fn)
    if callee in WRAPPERS and expr.args:
        return db_source(expr.args[0], fn, resolver, depth + 1)
    if type(func) is ast.Attribute:
        if func.attr in RESULT_METHODS and db_source(func.value, fn, resolver, depth + 1) is not None:
            return expr
        if func.attr in QUERY_METHODS and (
            is_db_handle(func.value, fn, resolver) or any(_is_statement(a, fn, resolver) for a in expr.args)
        ):
            return expr
    if _is_crud(callee, func):
        return expr
    arguments = [*expr.args, *(k.value for k in expr.keywords)]
    return expr if any(is_db_handle(a, fn, resolver) for a in arguments) else None


def assignments(name: str, fn: FunctionInfo) -> list[ast.expr]:
    """The values assigned to a local name in the innermost function that binds it."""
    scope: FunctionInfo | None = fn
    while scope is not None:
        if name in scope.assigned:
            return [v for v in scope.assigned[name] if v is not None]
        if name in scope.params:
            return []
        scope = scope.parent
    return []


def is_db_handle(expr: ast.expr, fn: FunctionInfo, resolver: Resolver) -> bool:
    """A session, connection or cursor: by its type when known, else by its name (``db``, ``session``)."""
    if type(expr) not in (ast.Name, ast.Attribute):
        return False
    value = resolver.value_of(expr, fn)
    if type(value) is Instance:
        if value.type.startswith(DB_TYPE_PREFIXES):
            return True
        if value.type.startswith(NOT_DB_TYPE_PREFIXES):
            return False  # an HTTP session is no database
    name = expr.id if type(expr) is ast.Name else expr.attr
    return bool(SESSION_NAME.search(name))


def _is_crud(callee: str | None, func: ast.expr) -> bool:
    """``crud.get_users(...)``, ``user_crud.get_multi(...)``, ``app.crud.items.list_items(...)``."""
    if callee and "crud" in callee.split("."):
        return True
    root = attribute_chain(func)[0]
    return type(root) is ast.Name and (root.id == "crud" or root.id.endswith("_crud"))


def _is_statement(expr: ast.expr, fn: FunctionInfo, resolver: Resolver, depth: int = 0) -> bool:
    """``select(User)...``, ``text("...")``, a literal ``SELECT``, or a variable assigned one."""
    if depth > 4:
        return False
    if type(expr) is ast.Constant and isinstance(expr.value, str):
        return expr.value.lstrip().upper().startswith(("SELECT", "WITH"))
    if type(expr) is ast.Name:
        return any(_is_statement(v, fn, resolver, depth + 1) for v in assignments(expr.id, fn))
    while type(expr) is ast.Call and type(expr.func) is ast.Attribute:
        expr = expr.func.value  # select(User).where(...).order_by(...)
    return type(expr) is ast.Call and resolver.callee(expr, fn) in STATEMENT_BUILDERS

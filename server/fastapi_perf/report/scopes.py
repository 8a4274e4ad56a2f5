"""Which route or function encloses a line: the HTML report groups findings by it.

Findings carry only a range, so the report reads the file's functions and
classes back with ``ast`` (the source is already on disk; nothing is run).
The innermost ``def`` wins: a route built inside an app factory is that
route, not the factory. A file that no longer parses groups its findings at
module level.
"""

from __future__ import annotations

import ast
from bisect import bisect_right
from dataclasses import dataclass

_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace", "websocket"})


@dataclass(frozen=True, slots=True)
class Scope:
    qualname: str
    """``Controller.list`` for a method, ``create_app.<locals>.health`` never: nesting joins with dots."""
    kind: str
    """``async def``, ``def``, ``class`` or ``module``."""
    line: int
    """0-based first line of the ``def``/``class`` (its decorators excluded)."""
    route: str | None = None
    """``GET /items/{item_id}`` when a FastAPI route decorator names the path."""

    @property
    def title(self) -> str:
        if self.kind == "module":
            return "module level"
        return f"{self.kind} {self.qualname}"


MODULE = Scope("", "module", 0)


class ScopeMap:
    """The scopes of one file, found by line."""

    def __init__(self, text: str) -> None:
        self._spans: list[tuple[int, int, Scope]] = []
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            tree = None
        self._prefixes: dict[str, str] = {}
        if tree is not None:
            self._prefixes = _router_prefixes(tree.body)
            self._collect(tree.body, "")
        self._spans.sort(key=lambda span: span[0])
        self._starts = [span[0] for span in self._spans]

    def _collect(self, body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qualname = f"{prefix}{node.name}"
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
                end = (node.end_lineno or node.lineno) - 1
                if isinstance(node, ast.ClassDef):
                    scope = Scope(qualname, "class", node.lineno - 1)
                else:
                    kind = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
                    scope = Scope(qualname, kind, node.lineno - 1, _route(node.decorator_list, self._prefixes))
                self._spans.append((start, end, scope))
                self._collect(node.body, f"{qualname}.")
            else:
                self._collect(list(_blocks(node)), prefix)  # definitions under `if`/`try`/`with` count too

    def at(self, line: int) -> Scope:
        """The innermost scope containing the 0-based ``line``.

        Scopes nest or are disjoint, so of those that start at or before the
        line, the last one that also ends after it is the innermost.
        """
        for index in range(bisect_right(self._starts, line) - 1, -1, -1):
            _start, end, scope = self._spans[index]
            if line <= end:
                return scope
        return MODULE


def _blocks(node: ast.stmt):
    for field in ("body", "orelse", "finalbody"):
        yield from getattr(node, field, ())
    for handler in getattr(node, "handlers", ()):
        yield from handler.body
    for case in getattr(node, "cases", ()):
        yield from case.body


def _router_prefixes(body: list[ast.stmt]) -> dict[str, str]:
    """``router = APIRouter(prefix="/items")`` at module level: the prefix its routes' paths start with."""
    prefixes = {}
    for node in body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.Call):
                for keyword in value.keywords:
                    if keyword.arg == "prefix" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                        prefixes[node.targets[0].id] = keyword.value.value
    return prefixes


def _route(decorators: list[ast.expr], prefixes: dict[str, str]) -> str | None:
    for decorator in decorators:
        if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
            continue
        method = decorator.func.attr
        path = _path_argument(decorator)
        if path is None:
            continue
        receiver = decorator.func.value
        if isinstance(receiver, ast.Name) and receiver.id in prefixes:
            path = prefixes[receiver.id] + ("" if path == "/" else path)
        path = path or "/"
        if method in _ROUTE_METHODS:
            return f"{'WS' if method == 'websocket' else method.upper()} {path}"
        if method == "api_route":
            methods = _methods_argument(decorator) or ["GET"]
            return f"{','.join(methods)} {path}"
    return None


def _path_argument(call: ast.Call) -> str | None:
    candidates = [call.args[0]] if call.args else [k.value for k in call.keywords if k.arg == "path"]
    for value in candidates:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


def _methods_argument(call: ast.Call) -> list[str] | None:
    for keyword in call.keywords:
        if keyword.arg == "methods" and isinstance(keyword.value, (ast.List, ast.Tuple, ast.Set)):
            names = [e.value.upper() for e in keyword.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            return names or None
    return None

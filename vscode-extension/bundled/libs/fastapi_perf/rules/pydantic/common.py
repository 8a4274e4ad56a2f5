"""What the Pydantic rules' fixes share: moving a value to a module-level constant.

FAP301 adds ``USER_OUT_LIST = TypeAdapter(list[UserOut])`` and FAP302
``EMAIL_RE = re.compile(...)``. The constant goes after the file's imports
(``Fix.module_lines``), so whatever it names must be imported there; a
local that only held the value is replaced by the constant.
"""

from __future__ import annotations

import ast
import re

from ...analysis.context import RuleContext
from ...analysis.facts import FunctionInfo
from ...analysis.findings import Edit, Position, Range


def constant_name(hint: str) -> str:
    """``UserOut`` -> ``USER_OUT``, ``email_re`` -> ``EMAIL_RE``."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", hint.strip("_"))
    return re.sub(r"\W+", "_", snake).upper().strip("_") or "VALUE"


def module_constant(ctx: RuleContext, fn: FunctionInfo | None, name: str, value: str) -> tuple[str, tuple[str, ...]] | None:
    """A module-level ``name = value`` that ``fn`` can read: (name, lines to add).

    Reuses a binding that already holds exactly ``value`` (written by an
    earlier fix, or by hand); None when the name means something else here
    or in ``fn``'s scopes.
    """
    scope = fn
    while scope is not None:
        if scope.binds_locally(name):
            return None
        scope = scope.parent
    binding = ctx.module.symbols.bindings.get(name)
    if binding is None:
        return name, (f"{name} = {value}",)
    if binding.kind == "var" and binding.value is not None and _same_code(binding.value, value):
        return name, ()
    return None


def _same_code(node: ast.expr, text: str) -> bool:
    try:
        return ast.dump(node) == ast.dump(ast.parse(text, mode="eval").body)
    except SyntaxError:
        return False


def imported_at_top(ctx: RuleContext, name: str) -> bool:
    """``name`` is bound by an import among the file's leading imports, before any added module line."""
    symbols = ctx.module.symbols
    binding = symbols.bindings.get(name)
    index = symbols.binding_chunk.get(name)
    if binding is None or binding.kind != "import" or index is None:
        return False
    for chunk in ctx.module.chunks[: index + 1]:
        for statement in chunk.statements:
            docstring = type(statement) is ast.Expr and type(statement.value) is ast.Constant
            if type(statement) not in (ast.Import, ast.ImportFrom) and not docstring:
                return False
    return True


def single_assignment(parent: ast.AST | None, fn: FunctionInfo) -> str | None:
    """``email_re`` in ``email_re = <the call>``, when that is the local's only assignment."""
    if type(parent) is not ast.Assign or len(parent.targets) != 1 or type(parent.targets[0]) is not ast.Name:
        return None
    name = parent.targets[0].id
    if len(fn.assigned.get(name, ())) != 1 or name in fn.global_names or any(name in n.referenced for n in fn.nested):
        return None
    return name


def delete_line(statement: ast.AST, ctx: RuleContext) -> tuple[Edit, str] | None:
    """An edit deleting a one-line statement, and its trailing comment; None when it shares its line."""
    span = ctx.range(statement)
    text = ctx.chunk.line(span.start.line)
    after = text[span.end.column :].strip()
    if span.start.line != span.end.line or text[: span.start.column].strip() or (after and not after.startswith("#")):
        return None
    return Edit(Range(Position(span.start.line, 0), Position(span.start.line + 1, 0)), ""), after


def replace_reads(local: str, constant: str, fn: FunctionInfo, ctx: RuleContext) -> list[Edit] | None:
    """Edits that read ``constant`` wherever ``fn``'s body (lambdas and comprehensions too) reads ``local``."""
    edits = []
    stack: list[ast.AST] = list(fn.node.body)
    while stack:  # nested ``def``s that read ``local`` were ruled out by ``single_assignment``
        node = stack.pop()
        if type(node) is ast.Name and node.id == local and type(node.ctx) is ast.Load:
            edits.append(Edit(ctx.range(node), constant))
        elif type(node) is ast.Lambda and local in {a.arg for a in ast.walk(node.args) if type(a) is ast.arg}:
            return None
        stack.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))
    return edits

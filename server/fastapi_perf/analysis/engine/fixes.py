"""Building blocks for fixes: await a call, offload it, import what it needs.

Every helper returns None when it cannot produce code that is certainly
valid (an odd layout, a name already taken); the rule then offers no fix.
"""

from __future__ import annotations

import ast

from ..catalog import canonical
from ..findings import Applicability, Edit, Fix, ImportRequest, Position, Range
from ..source.facts import CallSite, FunctionInfo
from .rule_context import RuleContext

# Parents in which ``await call`` must be parenthesised: ``(await f()).x``.
_NEEDS_PARENS = (ast.Attribute, ast.Subscript, ast.Call)


def module_alias(ctx: RuleContext, module: str, fn: FunctionInfo | None) -> tuple[str, ImportRequest | None] | None:
    """A name that refers to ``module`` here, plus the import to add if needed."""
    for name, binding in ctx.module.symbols.bindings.items():
        if binding.kind == "import" and binding.target == module and _free_in(fn, name):
            return name, None
    root = module.partition(".")[0]
    if root in ctx.module.symbols.bindings or not _free_in(fn, root):
        return None  # the name is taken by something else
    return module, ImportRequest(f"import {module}", root)


def object_alias(
    ctx: RuleContext, qualname: str, fn: FunctionInfo | None
) -> tuple[str, ImportRequest | None] | None:
    """A name that refers to ``module.object`` here, plus the ``from`` import to add if needed."""
    module, _, name = qualname.rpartition(".")
    for local, binding in ctx.module.symbols.bindings.items():
        if binding.kind == "import" and canonical(binding.target) == canonical(qualname) and _free_in(fn, local):
            return local, None
    if name in ctx.module.symbols.bindings or not _free_in(fn, name):
        return None
    return name, ImportRequest(f"from {module} import {name}", name)


def _free_in(fn: FunctionInfo | None, name: str) -> bool:
    scope = fn
    while scope is not None:
        if scope.binds_locally(name):
            return False
        scope = scope.parent
    return True


def open_paren(ctx: RuleContext, call: ast.Call) -> Position | None:
    """The position just after the call's ``(``, if only spaces separate it from the callee."""
    func = ctx.range(call.func)
    line = ctx.chunk.line(func.end.line)
    index = func.end.column
    while index < len(line) and line[index] in " \t":
        index += 1
    if index >= len(line) or line[index] != "(":
        return None
    return Position(func.end.line, index + 1)


def can_await(site: CallSite) -> bool:
    """Whether ``await`` may go in front of the call without changing what the code means.

    Only directly in the body of an ``async def`` (a list, set or dict
    comprehension there included): in a lambda or a nested ``def`` it is a
    syntax error, and in a generator expression it turns the generator
    asynchronous, so ``sum(... for ...)`` fails with ``TypeError`` at run time.
    """
    fn = site.function
    return fn is not None and fn.is_async and not site.in_lambda and not site.in_generator


def await_edits(ctx: RuleContext, site: CallSite, head: str) -> list[Edit] | None:
    """Replace ``callee(`` with ``await <head>(``, keeping the arguments as written."""
    if not can_await(site):
        return None
    call = site.node
    paren = open_paren(ctx, call)
    if paren is None:
        return None
    span = ctx.range(call)
    wrap = isinstance(site.parent, _NEEDS_PARENS) and _is_receiver(site.parent, call)
    edits = [Edit(Range(span.start, paren), f"{'(' if wrap else ''}await {head}(")]
    if wrap:
        edits.append(Edit(Range(span.end, span.end), ")"))
    return edits


def offload_edits(ctx: RuleContext, site: CallSite, runner: str) -> list[Edit] | None:
    """``f(a, k=v)`` becomes ``await runner(f, a, k=v)``: the call moves to a worker thread."""
    if not can_await(site):
        return None
    call = site.node
    if any(type(a) is ast.Starred for a in call.args) and runner.endswith("run_sync"):
        return None
    paren = open_paren(ctx, call)
    if paren is None:
        return None
    callee = ctx.source(call.func)
    if "\n" in callee:
        return None
    span = ctx.range(call)
    wrap = isinstance(site.parent, _NEEDS_PARENS) and _is_receiver(site.parent, call)
    separator = ", " if (call.args or call.keywords) else ""
    edits = [Edit(Range(span.start, paren), f"{'(' if wrap else ''}await {runner}({callee}{separator}")]
    if wrap:
        edits.append(Edit(Range(span.end, span.end), ")"))
    return edits


def offload_fix(ctx: RuleContext, site: CallSite, applicability: Applicability) -> Fix | None:
    """Offload to the threadpool: ``run_in_threadpool`` in FastAPI code, ``asyncio.to_thread`` elsewhere."""
    if site.function is None or not site.function.is_async:
        return None
    if ctx.module.uses_fastapi:
        alias = object_alias(ctx, "starlette.concurrency.run_in_threadpool", site.function)
    else:
        alias = module_alias(ctx, "asyncio", site.function)
        if alias is not None:
            alias = (f"{alias[0]}.to_thread", alias[1])
    if alias is None:
        return None
    runner, request = alias
    edits = offload_edits(ctx, site, runner)
    if edits is None:
        return None
    return Fix(
        f"Run it in a worker thread with `{runner.rpartition('.')[2] if '.' in runner else runner}`",
        applicability,
        tuple(edits),
        imports=(request,) if request else (),
    )


def _is_receiver(parent: ast.AST, call: ast.Call) -> bool:
    if type(parent) is ast.Attribute or type(parent) is ast.Subscript:
        return parent.value is call
    if type(parent) is ast.Call:
        return parent.func is call
    return False

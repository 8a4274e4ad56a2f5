"""Remove the imports that fixes left unused, so no new F401 follows a fix.

``import time`` stays behind when the last ``time.sleep`` became ``await
asyncio.sleep``, and Ruff or Flake8 then report it. Only names the fixes
stopped using are removed: an import that was unused before is the user's
business. Uses are counted the way Ruff counts them, by scope: a name in
the code that refers to the module's binding (not to a parameter or a
local of some function), a word of a string annotation, an entry of
``__all__``.
"""

from __future__ import annotations

import ast
import re
from collections import Counter

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
"""Lines with their endings, split where Python splits them (``str.splitlines`` also splits at form feeds)."""
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def drop_imports_left_unused(before: str, after: str) -> str:
    """``after`` without the module-level imports that ``before`` used and ``after`` does not."""
    try:
        tree = ast.parse(after.removeprefix("\ufeff"))
        old_tree = ast.parse(before.removeprefix("\ufeff"))
        used_before, used_after = module_uses(old_tree), module_uses(tree)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return after
    lines = _LINE.findall(after)
    removals: list[tuple[int, int, str | None]] = []  # (first line, last line, replacement; None: delete)
    for statement in tree.body:
        if type(statement) is not ast.Import and type(statement) is not ast.ImportFrom:
            continue
        if getattr(statement, "module", None) == "__future__":
            continue
        names = [(alias, _bound(alias, statement)) for alias in statement.names]
        unused = [alias for alias, bound in names if bound and used_before[bound] and not used_after[bound]]
        if not unused:
            continue
        first, last = statement.lineno - 1, (statement.end_lineno or statement.lineno) - 1
        if len(unused) == len(names):
            if ";" not in "".join(lines[first : last + 1]):
                removals.append((first, last, None))
        elif first == last and ";" not in lines[first] and "\\" not in lines[first]:
            kept = [alias for alias, _ in names if alias not in unused]
            removals.append((first, last, _rewritten(statement, kept, lines[first])))
    for first, last, replacement in reversed(removals):
        if replacement is not None:
            lines[first : last + 1] = [replacement]
            continue
        del lines[first : last + 1]
        # Where a whole section of imports went, two blank lines would meet: Ruff wants one (I001).
        if first < len(lines) and not lines[first].strip() and (first == 0 or not lines[first - 1].strip()):
            del lines[first]
    return "".join(lines)


def module_uses(tree: ast.Module) -> Counter:
    """How often each module-level name is used."""
    found: Counter = Counter()
    strings: list[ast.AST] = []
    scopes: list[tuple[ast.AST, list[ast.AST], frozenset[str]]] = [(tree, list(tree.body), frozenset())]
    while scopes:
        scope, roots, hidden = scopes.pop()
        own, nested = _scope_nodes(roots)
        outer = hidden
        if scope is not tree:
            hidden = hidden | _bound_in(own)
        for node in own:
            kind = type(node)
            if kind is ast.Name:
                if node.id not in hidden:
                    found[node.id] += 1
            elif kind is ast.arg or kind is ast.AnnAssign:
                if node.annotation is not None:
                    strings.append(node.annotation)
            elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                if node.returns is not None:
                    strings.append(node.returns)
            elif kind is ast.Assign or kind is ast.AugAssign:
                targets = node.targets if kind is ast.Assign else [node.target]
                if any(type(t) is ast.Name and t.id == "__all__" for t in targets):
                    strings.append(node.value)
        for inner, inner_roots in nested:
            # A class body's names are not visible in its methods.
            scopes.append((inner, inner_roots, outer if type(scope) is ast.ClassDef else hidden))
    for holder in strings:
        for node in ast.walk(holder):
            if type(node) is ast.Constant and isinstance(node.value, str):
                found.update(_WORD.findall(node.value))
    return found


def _scope_nodes(roots: list[ast.AST]) -> tuple[list[ast.AST], list[tuple[ast.AST, list[ast.AST]]]]:
    """The nodes evaluated in this scope, and the nested scopes with the nodes that start each.

    A function's decorators, defaults and annotations belong to the scope
    around it, its parameters and body to its own; the first iterable of a
    comprehension is evaluated outside it, the rest inside.
    """
    own: list[ast.AST] = []
    nested: list[tuple[ast.AST, list[ast.AST]]] = []
    stack = list(roots)
    while stack:
        node = stack.pop()
        own.append(node)
        kind = type(node)
        if kind in _FUNCTIONS:
            arguments = node.args
            stack.extend(arguments.defaults)
            stack.extend(d for d in arguments.kw_defaults if d is not None)
            params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            params += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
            if kind is ast.Lambda:
                nested.append((node, [*params, node.body]))
                continue
            stack.extend(node.decorator_list)
            stack.extend(p.annotation for p in params if p.annotation is not None)
            if node.returns is not None:
                stack.append(node.returns)
            nested.append((node, [*params, *node.body]))
            continue
        if kind is ast.ClassDef:
            stack.extend(node.decorator_list)
            stack.extend(node.bases)
            stack.extend(k.value for k in node.keywords)
            nested.append((node, list(node.body)))
            continue
        if kind in _COMPREHENSIONS:
            first, *others = node.generators
            stack.append(first.iter)
            inside: list[ast.AST] = [first.target, *first.ifs]
            for generator in others:
                inside += [generator.target, generator.iter, *generator.ifs]
            inside += [node.key, node.value] if kind is ast.DictComp else [node.elt]
            nested.append((node, inside))
            continue
        stack.extend(ast.iter_child_nodes(node))
    return own, nested


def _bound_in(nodes: list[ast.AST]) -> frozenset[str]:
    """Names a scope binds (so its uses of them are not the module's), less those declared ``global``."""
    bound: set[str] = set()
    declared_global: set[str] = set()
    for node in nodes:
        kind = type(node)
        if kind is ast.Name and type(node.ctx) is not ast.Load:
            bound.add(node.id)
        elif kind is ast.arg:
            bound.add(node.arg)
        elif kind is ast.Import or kind is ast.ImportFrom:
            bound.update(b for a in node.names if (b := _bound(a, node)))
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef) or (kind is ast.ExceptHandler and node.name):
            bound.add(node.name)
        elif kind is ast.Global:
            declared_global.update(node.names)
        elif kind in (ast.MatchAs, ast.MatchStar) and node.name:
            bound.add(node.name)
    return frozenset(bound - declared_global)


def _bound(alias: ast.alias, statement: ast.Import | ast.ImportFrom) -> str | None:
    """The name an import binds (``import a.b`` binds ``a``); None for ``*``."""
    if alias.name == "*":
        return None
    if alias.asname:
        return alias.asname
    return alias.name.partition(".")[0] if type(statement) is ast.Import else alias.name


def _rewritten(statement: ast.Import | ast.ImportFrom, kept: list[ast.alias], line: str) -> str:
    """A one-line import with only ``kept``, its indentation, trailing comment and line ending as they were."""
    names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in kept)
    if type(statement) is ast.Import:
        code = f"import {names}"
    else:
        code = f"from {'.' * statement.level}{statement.module or ''} import {names}"
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    comment_at = body.find("#", statement.end_col_offset or 0)
    comment = body[len(body[:comment_at].rstrip()) :] if comment_at >= 0 else ""
    return body[: statement.col_offset] + code + comment + ending

"""How code spells a name: ``a.b.c`` from an attribute chain, and qualified names as the user reads them."""

from __future__ import annotations

import ast


def attribute_chain(expr: ast.expr) -> tuple[ast.expr, list[str]]:
    """The root of ``a.b.c`` (the ``a`` node) and the attribute names after it (``["b", "c"]``)."""
    attrs = []
    while type(expr) is ast.Attribute:
        attrs.append(expr.attr)
        expr = expr.value
    attrs.reverse()
    return expr, attrs


def dotted_name(expr: ast.expr) -> str | None:
    """``a.b.c`` for a name or a chain of attributes on one; None for anything else (``f().x``)."""
    root, attrs = attribute_chain(expr)
    if type(root) is not ast.Name:
        return None
    return ".".join([root.id, *attrs]) if attrs else root.id


def short_name(qualname: str) -> str:
    """A qualified name without the ``<locals>`` of nested functions: ``outer.inner``."""
    return qualname.replace(".<locals>.", ".")

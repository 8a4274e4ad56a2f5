"""Classes as lookups see them: bases in order, the method resolution order, and kinds of methods.

A member of an instance (``repo.count_all``) may be defined on a base class
of another file, or on a library class the project subclasses
(``class Mailer(smtplib.SMTP)``); lookups walk the MRO, computed with
Python's own C3 rule from the bases each class spells (generic arguments
dropped: ``Repo[User]`` is ``Repo``).
"""

from __future__ import annotations

import ast

from ..source.facts import FunctionInfo

ROOTS = frozenset(
    """
    builtins.object typing.Generic typing.Protocol typing_extensions.Protocol abc.ABC abc.ABCMeta
    typing.NamedTuple typing.TypedDict typing_extensions.TypedDict enum.Enum builtins.Exception
    """.split()
)
"""Bases that define nothing a rule asks about: a lookup that reaches one stops."""

PROPERTIES = frozenset({"property", "cached_property", "functools.cached_property", "cached_property.cached_property"})
_ABSTRACT = frozenset({"abstractmethod", "abc.abstractmethod", "abstractproperty"})


def c3(name: str, bases: list[tuple[str, ...]], direct: tuple[str, ...]) -> tuple[str, ...]:
    """Python's C3 linearisation; when the bases are inconsistent, a depth-first order without repeats."""
    sequences = [list(s) for s in bases if s] + [list(direct)]
    order = [name]
    while True:
        sequences = [s for s in sequences if s]
        if not sequences:
            return tuple(order)
        for sequence in sequences:
            head = sequence[0]
            if not any(head in s[1:] for s in sequences):
                break
        else:
            seen = dict.fromkeys(order)
            for sequence in sequences:
                seen.update(dict.fromkeys(sequence))
            return tuple(seen)
        order.append(head)
        for sequence in sequences:
            if sequence and sequence[0] == head:
                del sequence[0]


def decorator_names(fn: FunctionInfo) -> set[str]:
    """``property``, ``functools.cached_property``, ``abc.abstractmethod``... as spelled (calls by their callee)."""
    names = set()
    for decorator in fn.node.decorator_list:
        if type(decorator) is ast.Call:
            decorator = decorator.func
        if type(decorator) is ast.Name:
            names.add(decorator.id)
        elif type(decorator) is ast.Attribute:
            names.add(decorator.attr)
            if type(decorator.value) is ast.Name:
                names.add(f"{decorator.value.id}.{decorator.attr}")
    return names


def method_kind(fn: FunctionInfo) -> str:
    """``function`` (not a method), ``method``, ``classmethod``, ``staticmethod`` or ``property``."""
    if fn.owner is None:
        return "function"
    names = decorator_names(fn)
    if "staticmethod" in names:
        return "staticmethod"
    if "classmethod" in names:
        return "classmethod"
    if names & PROPERTIES or any(n.endswith((".setter", ".getter", ".deleter")) for n in names):
        return "property"
    return "method"


def is_abstract(fn: FunctionInfo) -> bool:
    """An interface method: ``@abstractmethod``, or a body that only documents, passes, elides or raises."""
    if fn.owner is None:
        return False
    if decorator_names(fn) & _ABSTRACT:
        return True
    for statement in fn.node.body:
        kind = type(statement)
        if kind is ast.Pass or (kind is ast.Raise and _not_implemented(statement)):
            continue
        if kind is ast.Expr and type(statement.value) is ast.Constant:  # a docstring or ``...``
            continue
        return False
    return True


def _not_implemented(statement: ast.Raise) -> bool:
    exc = statement.exc.func if type(statement.exc) is ast.Call else statement.exc
    name = exc.id if type(exc) is ast.Name else exc.attr if type(exc) is ast.Attribute else ""
    return name == "NotImplementedError"

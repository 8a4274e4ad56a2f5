"""The values a name can have: a named object or an instance of a class; None is unknown."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Ref:
    """A named object: a module, class, function or attribute of one."""

    qualname: str


@dataclass(frozen=True, slots=True)
class Instance:
    """An instance of the class named ``type``.

    ``args`` are what a container holds, as far as known: the item of a
    ``builtins.list`` (lists, sets, sequences), the key and value of a
    ``builtins.dict``, each element of a ``builtins.tuple``, or the type
    arguments of a generic class (``Repo[User]``).
    """

    type: str
    args: tuple[Ref | Instance | None, ...] = ()


Value = Ref | Instance | None

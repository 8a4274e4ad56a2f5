"""The values a name can have: a named object or an instance of a class; None is unknown."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Ref:
    """A named object: a module, class, function or attribute of one."""

    qualname: str


@dataclass(frozen=True, slots=True)
class Instance:
    """An instance of the class named ``type``."""

    type: str


Value = Ref | Instance | None

"""Facts of a function that follow its calls into helpers: one memo, one cycle guard, one way to follow.

The dependency facts (FAP401/FAP402), the background facts (FAP501/FAP502)
and the aggregate facts (FAP602) of a function each include what the helpers
it calls do, in this file or in another. All three are computed the same
way: once per function and analysis context; a function reached again while
its own facts are being computed (recursion, helpers that call each other)
counts as knowing nothing, since a cycle is no evidence; and a call is
followed into a function of this file, else answered by the workspace index,
which computes the same part for the other file's function
(``FunctionExport.facts``, see ``workspace/exported_facts.py``).

Asking the index for a function of another file costs a parse of that file,
so a caller can first test the file's text for what the facts would need
(``spells``): a helper that never spells ``select`` or ``func.`` runs no
aggregate query.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from ..names.dotted import short_name
from ..source.facts import FunctionInfo
from .common import export_mentions, file_mentions

if TYPE_CHECKING:
    from .module_context import ModuleContext

F = TypeVar("F")


class FunctionFacts(Generic[F]):
    """One part of the per-function facts: ``part`` names it in ``FunctionExport.facts``.

    Called as ``facts(fn, module, remote=False, *extra)``: ``remote`` places
    sites by path (for the index); ``extra`` goes to ``compute`` but is not part
    of the memo key (the dependency facts' depth).
    """

    def __init__(self, part: str, compute: Callable[..., F], unknown: F) -> None:
        self.part = part
        self._compute = compute
        self._unknown = unknown
        self._memo: weakref.WeakKeyDictionary[ModuleContext, dict[tuple[int, bool], F | None]] = weakref.WeakKeyDictionary()

    def __call__(self, fn: FunctionInfo, module: ModuleContext, remote: bool = False, *extra: object) -> F:
        memo = self._memo.get(module)
        if memo is None:
            memo = self._memo[module] = {}
        key = (id(fn), remote)
        if key in memo:
            known = memo[key]
            return self._unknown if known is None else known
        memo[key] = None  # reached again while computing: a cycle is no evidence
        facts = memo[key] = self._compute(fn, module, remote, *extra)
        return facts

    def remote(self, qualname: str, module: ModuleContext, spells: re.Pattern[str] | None = None) -> F | None:
        """The facts the workspace index holds for a function of another file; None when unknown.

        With ``spells``, only for a function whose file, and then whose own
        lines, match it (read before the file is parsed for the facts).
        """
        index = module.index
        if spells is not None and (index is None or module.is_own(qualname) or not file_mentions(index, qualname, spells)):
            return None
        found = module.remote_function(qualname)
        if found is None or (spells is not None and not export_mentions(index, found, spells)):
            return None
        return getattr(found.facts, self.part, None)

    def of_function(
        self, qualname: str, module: ModuleContext, remote: bool = False, *extra: object, spells: re.Pattern[str] | None = None
    ) -> F | None:
        """The facts of a workspace function by name: one of this file, else one of another file through the index."""
        followed = self.of_helper(qualname, module, remote, *extra, spells=spells)
        return followed[1] if followed is not None else None

    def of_helper(
        self, qualname: str, module: ModuleContext, remote: bool = False, *extra: object, spells: re.Pattern[str] | None = None
    ) -> tuple[str, F] | None:
        """Like :meth:`of_function`, with the helper's name for a chain (``outer.inner``, or the other file's ``get_user``)."""
        local = module.resolver.local_function(qualname)
        if local is not None:
            return short_name(local.qualname), self(local, module, remote, *extra)
        found = self.remote(qualname, module, spells)
        return (qualname.rpartition(".")[2], found) if found is not None else None

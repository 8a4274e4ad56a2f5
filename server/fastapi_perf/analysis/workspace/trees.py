"""The kept syntax trees of summarised modules, for the facts computed when first asked."""

from __future__ import annotations

from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..facts.module_context import ModuleContext
from ..names.modules import content_digest
from ..names.symbols import ModuleSymbols

if TYPE_CHECKING:
    from ..names.lookup import WorkspaceLookup


class ModuleTrees:
    """A summarised module's trees, for the facts computed when first asked (``exported_facts``).

    Summaries keep no trees. The summary's own are kept at first, and the
    most recently used modules keep theirs, up to :data:`_KEEP_LINES` lines
    in all (trees cost memory in proportion to their lines); a module whose trees were
    dropped is parsed again once (an open document's statements are reused,
    not parsed). When its text changed since the summary was made (the
    summary is about to be invalidated), there are no trees: every fact is
    unknown, so no finding.
    """

    _recent: OrderedDict[int, ModuleTrees] = OrderedDict()
    _kept_lines = 0

    def __init__(self, index: WorkspaceLookup, module: str, path: str, is_package: bool, owned: bool = True) -> None:
        self.index = index
        self.module = module
        self.path = path
        self.is_package = is_package
        self.digest = index.digests.get(module)
        self._context: ModuleContext | None = None
        self._owned = owned
        self._lines = 0
        self._stale = False
        self._users = 0
        """Computations running on these trees: dropped meanwhile, they are freed only after."""
        self._dropped: ModuleContext | None = None

    @contextmanager
    def in_use(self):
        self._users += 1
        try:
            yield
        finally:
            self._users -= 1
            if not self._users and self._dropped is not None:
                self._dropped.release(trees=True)  # dropped while in use: freed now that nothing is
                self._dropped = None

    def context(self) -> ModuleContext | None:
        if self._context is not None:
            ModuleTrees._recent.move_to_end(id(self), last=True)
            return self._context
        if self._stale:
            return None
        parsed = self.index.parse(Path(self.path))
        if parsed is None or content_digest(parsed[0].encode("utf-8", "surrogatepass")) != self.digest:
            self._stale = True
            return None
        text, chunks, self._owned = parsed
        symbols = ModuleSymbols.merge([c.facts for c in chunks], self.module, self.is_package)
        context = ModuleContext(chunks, symbols, self.index.options_for(self.path), self.path, index=self.index)
        self.keep(context, text.count("\n") + 1)
        return context

    def keep(self, context: ModuleContext, lines: int) -> None:
        """Hold the module's trees (the summary's own, or re-parsed), dropping the least recently used."""
        recent = ModuleTrees._recent
        self._context, self._lines = context, lines
        recent[id(self)] = self
        ModuleTrees._kept_lines += lines
        while ModuleTrees._kept_lines > _KEEP_LINES and len(recent) > 1:
            _, oldest = recent.popitem(last=False)
            oldest.drop()

    def drop(self) -> None:
        """Let the trees go; the next question parses the module again."""
        ModuleTrees._recent.pop(id(self), None)
        if self._context is not None:
            if self._owned and self._users:
                self._dropped = self._context  # in use: freed when the last user is done
            elif self._owned:
                self._context.release(trees=True)
            self._context = None
            ModuleTrees._kept_lines -= self._lines


_KEEP_LINES = 20_000


def drop_trees(index: WorkspaceLookup, modules: set[str] | None = None) -> None:
    """Let go of the kept trees of ``modules`` (None: all of the index's).

    Their summaries were invalidated, or a document now has them parsed, or
    the server summarised them in the background, where no question follows.
    """
    for trees in [t for t in ModuleTrees._recent.values() if t.index is index and (modules is None or t.module in modules)]:
        trees.drop()

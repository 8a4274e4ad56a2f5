"""The workspace index: what other files of the project export, in summary.

Rules follow calls into other files (``crud.get_user(db, 1)`` ends in
``db.query(...)``) and types across them (``Depends(get_db)`` where
``get_db`` in ``deps.py`` yields a ``Session`` made by a ``sessionmaker``
in ``database.py``). For that they need, per module: the type of each
module-level value, what each function returns and whether it blocks (with
the chain of calls that does), and the methods of each class. A
``ModuleSummary`` holds exactly that, without syntax trees, so a whole
workspace fits in memory.

Summaries are computed lazily, on first lookup, and record which other
modules they consulted; invalidating a module drops it and everything that
depended on it. Import cycles are cut: a lookup into a module whose summary
is being computed answers "unknown".
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from ..names.exports import ClassExport, Export, ModuleSummary
from ..names.modules import content_digest, module_name_for
from ..names.symbols import ModuleSymbols
from ..names.values import Ref, Value
from ..options import AnalysisOptions
from ..source.chunks import Chunk, parse_module
from .summaries import summarize
from .trees import drop_trees as drop_kept_trees


class WorkspaceIndex:
    def __init__(
        self,
        files: dict[str, Path],
        options: AnalysisOptions,
        read: Callable[[Path], str | None] | None = None,
        live: Callable[[Path], tuple[str, list[Chunk]] | None] | None = None,
    ) -> None:
        """``files`` maps dotted module names (relative to the project root) to paths.

        ``read`` gives a file's text; ``live``, when a file's statements are
        already parsed (an open document), its text and those statements.
        """
        self.options = options
        self.files: dict[str, Path] = {}
        self._suffixes: dict[str, list[str]] = {}
        self._read = read or _read_text
        self._live = live
        self._summaries: dict[str, ModuleSummary] = {}
        self._in_progress: set[str] = set()
        self._recorders: list[set[str]] = []
        self.digests: dict[str, bytes] = {}
        """Content hashes of the files summarised from disk (result caches key on them)."""
        self._bases_named: dict[str, list[str]] | None = None
        self._state_files: list[str] | None = None
        for module, path in files.items():
            self.add_file(module, path)

    # -- the file map ------------------------------------------------------------
    def add_file(self, module: str, path: Path) -> None:
        """Register a file under its full name and the shorter names code may import it by.

        A project may import ``app.crud`` from a file the root calls
        ``backend.app.crud``, so dotted suffixes count too; but not a lone
        name (``langflow.io`` is not ``io``) nor one that starts like a
        standard-library module.
        """
        self.files[module] = path
        parts = module.split(".")
        for index in range(len(parts)):
            suffix = ".".join(parts[index:])
            if index and (len(parts) - index < 2 or parts[index] in _STDLIB):
                continue
            self._suffixes.setdefault(suffix, []).append(module)
        self._rescan(module)

    def remove_file(self, module: str) -> None:
        if self.files.pop(module, None) is None:
            return
        for modules in self._suffixes.values():
            if module in modules:
                modules.remove(module)
        self._rescan(module)
        self.invalidate(module)

    def module_of(self, qualname: str) -> tuple[str, str] | None:
        """Split a qualified name into (indexed module, rest), preferring the longest module."""
        parts = qualname.split(".")
        for cut in range(len(parts), 0, -1):
            candidates = self._suffixes.get(".".join(parts[:cut]))
            if candidates:
                return _best(candidates), ".".join(parts[cut:])
        return None

    # -- summaries -------------------------------------------------------------------
    def summary(self, module: str) -> ModuleSummary | None:
        for recorder in self._recorders:
            recorder.add(module)
        cached = self._summaries.get(module)
        if cached is not None:
            return cached
        if module in self._in_progress or module not in self.files:
            return None
        self._in_progress.add(module)
        try:
            summary = self._summarize(module)
        finally:
            self._in_progress.discard(module)
        if summary is not None:
            self._summaries[module] = summary
        return summary

    def _summarize(self, module: str) -> ModuleSummary | None:
        path = self.files[module]
        parsed = self.parse(path)
        if parsed is None:
            return None
        text, chunks, owned = parsed
        self.digests[module] = content_digest(text.encode("utf-8", "surrogatepass"))
        is_package = path.name == "__init__.py"
        symbols = ModuleSymbols.merge([c.facts for c in chunks], module, is_package)
        with self.recording() as consulted:
            summary = summarize(module, str(path), chunks, symbols, self, owned, text.count("\n") + 1)
        consulted.discard(module)
        summary.depends_on = consulted
        return summary

    @contextmanager
    def recording(self):
        """Collect the modules looked up inside the block."""
        consulted: set[str] = set()
        self._recorders.append(consulted)
        try:
            yield consulted
        finally:
            # By identity: two recorders may hold equal sets.
            for position in range(len(self._recorders) - 1, -1, -1):
                if self._recorders[position] is consulted:
                    del self._recorders[position]
                    break

    def parse(self, path: Path) -> tuple[str, list[Chunk], bool] | None:
        """A file's text and statements, and whether they were parsed here (False: an open document's own)."""
        live = self._live(path) if self._live is not None else None
        if live is not None:
            return live[0], live[1], False
        text = self._read(path)
        return None if text is None else (text, parse_module(text), True)

    def read(self, path: Path) -> str | None:
        """A file's text as the index sees it (the server's open documents are read live)."""
        return self._read(path)

    def add_dependencies(self, module: str, consulted: set[str]) -> None:
        """Record modules a summary came to depend on after it was made (its lazily computed facts)."""
        summary = self._summaries.get(module)
        if summary is not None:
            summary.depends_on |= consulted

    def invalidate(self, module: str) -> set[str]:
        """Forget a module's summary and those of every module that depended on it."""
        self._rescan(module)
        dropped: set[str] = set()
        pending = [module]
        while pending:
            current = pending.pop()
            if current in dropped:
                continue
            dropped.add(current)
            self._summaries.pop(current, None)
            pending.extend(m for m, s in list(self._summaries.items()) if current in s.depends_on)
        self.drop_trees(dropped)
        return dropped

    def drop_trees(self, modules: set[str] | None = None) -> None:
        """Forget the syntax trees kept for ``modules``, or all (the next question parses, or uses an open document's)."""
        drop_kept_trees(self, modules)

    def invalidate_all(self) -> None:
        self.drop_trees(set(self._summaries))
        self._summaries.clear()

    def dependents(self, module: str) -> set[str]:
        return {m for m, s in self._summaries.items() if module in s.depends_on}

    def summarise_all(self, modules: Iterable[str] | None = None) -> int:
        count = 0
        for module in list(modules if modules is not None else self.files):
            if self.summary(module) is not None:
                count += 1
        return count

    # -- lookups ---------------------------------------------------------------------
    def lookup(self, qualname: str, depth: int = 0) -> Export | None:
        """What a qualified name refers to in the workspace: a function, class or value."""
        if depth > 8:
            return None
        split = self.module_of(qualname)
        if split is None:
            return None
        module, rest = split
        if not rest:
            return Ref(module)
        summary = self.summary(module)
        if summary is None:
            return None
        if rest in summary.functions:  # a top-level function, or a closure a factory returns
            return summary.functions[rest]
        head, _, tail = rest.partition(".")
        if head in summary.imports:
            target = summary.imports[head]
            return self.lookup(f"{target}.{tail}" if tail else target, depth + 1) or (Ref(target) if not tail else None)
        if head in summary.functions and not tail:
            return summary.functions[head]
        if head in summary.classes:
            klass = summary.classes[head]
            if not tail:
                return klass
            if tail in klass.methods:
                return klass.methods[tail]
            return klass.attributes.get(tail)
        if head in summary.values and not tail:
            return summary.values[head]
        return None

    def uses_fastapi(self, module: str) -> bool:
        summary = self.summary(module)
        return bool(summary and summary.uses_fastapi)

    def class_of(self, qualname: str) -> ClassExport | None:
        found = self.lookup(qualname)
        return found if isinstance(found, ClassExport) else None

    # -- questions about the whole workspace ------------------------------------------------
    def subclasses(self, qualname: str, exclude: str = "", limit: int = 8) -> list[ClassExport]:
        """The workspace's classes deriving from ``qualname``, directly or through other classes.

        Files are found by their text (a ``class`` statement naming the base);
        only those are summarised, and the text is read once per index. A base
        named in more than ``limit`` files (a plugin base with a hundred
        providers) answers nothing: what every override does is not worth
        summarising them all.
        """
        found: list[ClassExport] = []
        seen = {qualname}
        pending = [qualname]
        files = 0
        while pending:
            base = pending.pop()
            short = base.rpartition(".")[2]
            candidates = [m for m in self._class_mentions().get(short, ()) if m != exclude]
            files += len(candidates)
            if files > limit:
                return []
            for module in candidates:
                summary = self.summary(module)
                for klass in summary.classes.values() if summary is not None else ():
                    if base in klass.bases and klass.qualname not in seen:
                        seen.add(klass.qualname)
                        found.append(klass)
                        pending.append(klass.qualname)
        return found

    def _class_mentions(self) -> dict[str, list[str]]:
        """For each name a ``class`` statement lists among its bases, the modules with such a statement."""
        if self._bases_named is None:
            self._bases_named = {}
            for module, path in self.files.items():
                self._add_class_mentions(module, self._read(path) or "")
        return self._bases_named

    def _rescan(self, module: str) -> None:
        """Bring the text scans up to date for one file (added, changed or removed), if they were made."""
        if self._bases_named is None and self._state_files is None:
            return
        path = self.files.get(module)
        text = (self._read(path) or "") if path is not None else ""
        if self._bases_named is not None:
            for modules in self._bases_named.values():
                if module in modules:
                    modules.remove(module)
            self._add_class_mentions(module, text)
        if self._state_files is not None:
            if module in self._state_files:
                self._state_files.remove(module)
            if _STATE_ASSIGNMENT.search(text):
                self._state_files.append(module)

    def _add_class_mentions(self, module: str, text: str) -> None:
        for bases in _CLASS_BASES.findall(text):
            for name in {m.rpartition(".")[2] for m in _DOTTED.findall(bases)}:
                modules = self._bases_named.setdefault(name, [])
                if not modules or modules[-1] != module:
                    modules.append(module)

    def state_attribute(self, attr: str) -> Value:
        """``request.state.<attr>`` as assigned by the workspace's middleware (one agreed type, or unknown)."""
        if self._state_files is None:
            self._state_files = [m for m, path in self.files.items() if _STATE_ASSIGNMENT.search(self._read(path) or "")]
        values = set()
        for module in self._state_files:
            summary = self.summary(module)
            if summary is not None and attr in summary.state:
                values.add(summary.state[attr])
        return values.pop() if len(values) == 1 else None


_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))
_CLASS_BASES = re.compile(r"^[ \t]*class[ \t]+\w+[ \t]*\(([^)]*)\)", re.M)
_DOTTED = re.compile(r"[A-Za-z_][\w.]*")
_STATE_ASSIGNMENT = re.compile(r"\.state\.\w+[ \t]*(?::[^=\n]*)?=[^=]")


def _best(candidates: list[str]) -> str:
    """Among files that match an import, prefer the shortest full name (closest to the root)."""
    return min(candidates, key=lambda m: (m.count("."), m))


def _read_text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) > 4 * 1024 * 1024 or b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def module_map(paths: Iterable[Path], root: Path | None) -> dict[str, Path]:
    """Dotted module names for files under a project root (``src/`` layouts included)."""
    result: dict[str, Path] = {}
    for path in paths:
        module, _ = module_name_for(path, root)
        result[module] = path
    return result


__all__ = ["WorkspaceIndex", "module_map"]

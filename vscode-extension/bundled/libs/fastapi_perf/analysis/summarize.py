"""Summarise one module for the workspace index.

A summary keeps what other files ask about this one, resolved as far as
the index allows at the time: value types, return types, whether each sync
function blocks (transitively, with the chain as file locations), and the
methods and attributes of classes. It keeps no syntax trees: the facts of
categories 4-6, which few functions are ever asked for, are computed on
first use, from the module's trees (:class:`ModuleTrees`).
"""

from __future__ import annotations

import ast
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

from . import catalog
from .blocking import BlockingReason, Step
from .chunks import Chunk
from .context import ModuleContext, _short
from .dependency_facts import alias_dependency
from .exported_facts import ExportedFacts
from .facts import FunctionInfo
from .modules import content_digest
from .resolve import Instance
from .symbols import ModuleSymbols
from .workspace import Alias, ClassExport, FunctionExport, ModuleSummary, RemoteReason, RemoteStep, WorkspaceIndex


def summarize(
    module: str,
    path: str,
    chunks: list[Chunk],
    symbols: ModuleSymbols,
    index: WorkspaceIndex,
    owned: bool = True,
    lines: int = 0,
) -> ModuleSummary:
    """``owned``: the chunks were parsed for this summary (not an open document's), so they may be released."""
    context = ModuleContext(chunks, symbols, index.options, path, index=index)
    trees = ModuleTrees(index, module, path, symbols.is_package, owned)
    with trees.in_use():  # summaries of other modules, made meanwhile, may drop these trees
        trees.keep(context, lines)
        return _summary(module, path, symbols, context, trees)


def _summary(module: str, path: str, symbols: ModuleSymbols, context: ModuleContext, trees: ModuleTrees) -> ModuleSummary:
    resolver = context.resolver
    summary = ModuleSummary(module, path, uses_fastapi=symbols.imports_fastapi)
    for name, binding in symbols.bindings.items():
        if binding.kind == "import":
            summary.imports[name] = catalog.canonical(symbols.absolute_import(binding.target))
        elif binding.kind == "function":
            fn = symbols.functions.get(name)
            if fn is not None:
                summary.functions[name] = _function(fn, context, trees)
        elif binding.kind == "class":
            klass = symbols.classes.get(name)
            if klass is None:
                continue
            methods = {m: _function(f, context, trees) for m, f in klass.methods.items()}
            attributes = {}
            for attr in klass.instance_attrs.keys() | klass.assigned.keys():
                value = resolver.member(Instance(symbols.qualify(klass.name)), attr)
                if value is not None and not (hasattr(value, "qualname") and value.qualname.endswith(f".{attr}")):
                    attributes[attr] = value
            summary.classes[name] = ClassExport(symbols.qualify(klass.qualname), methods, attributes)
        else:
            if type(binding.value) is ast.Subscript:
                alias = resolver.annotation_type(binding.value, None)
                dependency = alias_dependency(name, context)  # categories 4-6
                if alias or dependency:
                    summary.values[name] = Alias(alias or "", dependency)
                    continue
            summary.values[name] = resolver.module_value(name)
    return summary


def _function(fn: FunctionInfo, context: ModuleContext, trees: ModuleTrees) -> FunctionExport:
    chunk = context.chunk_of(fn)
    span = chunk.node_range(fn.node).shifted(chunk.origin) if chunk else None
    blocking = _NO_REASONS  # most functions: shared, never written
    if not fn.is_async and not fn.is_generator:
        reasons = context.blocking.function_reasons(fn)
        if reasons:
            blocking = {code: remote_reason(reason, context) for code, reason in reasons.items()}
    return FunctionExport(
        context.symbols.qualify(fn.qualname),
        fn.is_async,
        fn.is_generator,
        context.resolver.returns_of(fn),
        blocking,
        context.path or "",
        span,
        ExportedFacts(fn.qualname, trees),  # categories 4-6, computed when first read
    )


_NO_REASONS: dict[str, RemoteReason] = {}


def remote_reason(reason: BlockingReason, context: ModuleContext) -> RemoteReason:
    return RemoteReason(reason.code, reason.what, reason.target, tuple(remote_step(s, context) for s in reason.chain))


def remote_step(step: Step | RemoteStep, context: ModuleContext) -> RemoteStep:
    if isinstance(step, RemoteStep):
        return step
    chunk = context.chunk_of(step.function)
    span = chunk.node_range(step.call).shifted(chunk.origin) if chunk is not None else None
    return RemoteStep(_short(step.function.qualname), step.label, context.path or "", span)


class ModuleTrees:
    """A summarised module's trees, for the facts computed when first asked (``exported_facts``).

    Summaries keep no trees. The summary's own are kept at first, and the
    most recently used modules keep theirs, up to :data:`_KEEP_LINES` lines
    in all (trees cost about 1.5 KB a line); a module whose trees were
    dropped is parsed again once (an open document's statements are reused,
    not parsed). When its text changed since the summary was made (the
    summary is about to be invalidated), there are no trees: every fact is
    unknown, so no finding.
    """

    _recent: OrderedDict[int, ModuleTrees] = OrderedDict()
    _kept_lines = 0

    def __init__(self, index: WorkspaceIndex, module: str, path: str, is_package: bool, owned: bool = True) -> None:
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
        context = ModuleContext(chunks, symbols, self.index.options, self.path, index=self.index)
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


def drop_trees(index: WorkspaceIndex, modules: set[str] | None = None) -> None:
    """Let go of the kept trees of ``modules`` (None: all of the index's).

    Their summaries were invalidated, or a document now has them parsed, or
    the server summarised them in the background, where no question follows.
    """
    for trees in [t for t in ModuleTrees._recent.values() if t.index is index and (modules is None or t.module in modules)]:
        trees.drop()

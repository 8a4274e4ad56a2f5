"""Summarise one module for the workspace index.

A summary keeps what other files ask about this one, resolved as far as
the index allows at the time: value types, return types, whether each sync
function blocks (transitively, with the chain as file locations), and the
methods and attributes of classes. It keeps no syntax trees: the facts of
categories 4-6, which few functions are ever asked for, are computed on
first use by re-parsing the module (:class:`LazyFacts`).
"""

from __future__ import annotations

import ast
from collections import OrderedDict
from functools import partial
from pathlib import Path

from . import catalog
from .blocking import BlockingReason, Step
from .chunks import Chunk, parse_module
from .context import ModuleContext, _short
from .dependency_facts import alias_dependency
from .exported_facts import export_facts
from .facts import FunctionInfo
from .modules import content_digest
from .resolve import Instance
from .symbols import ModuleSymbols
from .workspace import Alias, ClassExport, FunctionExport, ModuleSummary, RemoteReason, RemoteStep, WorkspaceIndex


def summarize(module: str, path: str, chunks: list[Chunk], symbols: ModuleSymbols, index: WorkspaceIndex) -> ModuleSummary:
    context = ModuleContext(chunks, symbols, index.options, path, index=index)
    facts = LazyFacts(index, module, path, symbols.is_package)
    facts.keep(context, len(chunks[0].lines or ()) if chunks else 0)  # parse_module shares the file's lines
    resolver = context.resolver
    summary = ModuleSummary(module, path, uses_fastapi=symbols.imports_fastapi)
    for name, binding in symbols.bindings.items():
        if binding.kind == "import":
            summary.imports[name] = catalog.canonical(symbols.absolute_import(binding.target))
        elif binding.kind == "function":
            fn = symbols.functions.get(name)
            if fn is not None:
                summary.functions[name] = _function(fn, context, facts)
        elif binding.kind == "class":
            klass = symbols.classes.get(name)
            if klass is None:
                continue
            methods = {m: _function(f, context, facts) for m, f in klass.methods.items()}
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


def _function(fn: FunctionInfo, context: ModuleContext, facts: LazyFacts) -> FunctionExport:
    chunk = context.chunk_of(fn)
    span = chunk.node_range(fn.node).shifted(chunk.origin) if chunk else None
    blocking = {}
    if not fn.is_async and not fn.is_generator:
        for code, reason in context.blocking.function_reasons(fn).items():
            blocking[code] = remote_reason(reason, context)
    return FunctionExport(
        context.symbols.qualify(fn.qualname),
        fn.is_async,
        fn.is_generator,
        context.resolver.returns_of(fn),
        blocking,
        context.path or "",
        span,
        partial(facts.get, fn.qualname),  # categories 4-6: see exported_facts.py
    )


def remote_reason(reason: BlockingReason, context: ModuleContext) -> RemoteReason:
    return RemoteReason(reason.code, reason.what, reason.target, tuple(remote_step(s, context) for s in reason.chain))


def remote_step(step: Step | RemoteStep, context: ModuleContext) -> RemoteStep:
    if isinstance(step, RemoteStep):
        return step
    chunk = context.chunk_of(step.function)
    span = chunk.node_range(step.call).shifted(chunk.origin) if chunk is not None else None
    return RemoteStep(_short(step.function.qualname), step.label, context.path or "", span)


class LazyFacts:
    """The category 4-6 facts of one summarised module's functions, each computed when first asked.

    Answering needs the module's trees, which summaries do not keep: the
    first question re-reads and re-parses the module, and the most recently
    used modules keep their trees, up to :data:`_KEEP_LINES` lines in all
    (trees cost about 1.5 KB a line), so that answers for their other
    functions come without another parse. When the
    text changed since the summary was made (the summary is about to be
    invalidated), every answer is None: unknown, so no finding.
    """

    _recent: OrderedDict[int, LazyFacts] = OrderedDict()
    _kept_lines = 0

    def __init__(self, index: WorkspaceIndex, module: str, path: str, is_package: bool) -> None:
        self.index = index
        self.module = module
        self.path = path
        self.is_package = is_package
        self.digest = index.digests.get(module)
        self._facts: dict[str, object | None] = {}
        self._context: ModuleContext | None = None
        self._lines = 0
        self._stale = False
        self._busy: set[str] = set()

    def get(self, qualname: str) -> object | None:
        if qualname in self._facts:
            return self._facts[qualname]
        if qualname in self._busy:  # asked again while computing it (a cycle through other modules)
            return None
        context = self._load()
        fn = context.symbols.all_functions.get(qualname) if context is not None else None
        if fn is None:
            return None
        self._busy.add(qualname)
        try:
            with self.index.recording() as consulted:
                facts = export_facts(fn, context)
        finally:
            self._busy.discard(qualname)
        consulted.discard(self.module)
        self.index.add_dependencies(self.module, consulted)
        self._facts[qualname] = facts
        return facts

    def _load(self) -> ModuleContext | None:
        if self._context is not None:
            LazyFacts._recent.move_to_end(id(self), last=True)
            return self._context
        if self._stale:
            return None
        text = self.index.read(Path(self.path))
        if text is None or content_digest(text.encode("utf-8", "surrogatepass")) != self.digest:
            self._stale = True
            return None
        chunks = parse_module(text)
        symbols = ModuleSymbols.merge([c.facts for c in chunks], self.module, self.is_package)
        context = ModuleContext(chunks, symbols, self.index.options, self.path, index=self.index)
        self.keep(context, text.count("\n") + 1)
        return context

    def keep(self, context: ModuleContext, lines: int) -> None:
        """Hold the module's trees (the summary's own, or re-parsed), dropping the least recently used."""
        recent = LazyFacts._recent
        self._context, self._lines = context, lines
        recent[id(self)] = self
        LazyFacts._kept_lines += lines
        while LazyFacts._kept_lines > _KEEP_LINES and len(recent) > 1:
            _, oldest = recent.popitem(last=False)
            oldest._context = None
            LazyFacts._kept_lines -= oldest._lines


_KEEP_LINES = 20_000

"""Summarise one module for the workspace index.

A summary keeps what other files ask about this one, resolved as far as
the index allows at the time: value types, return types, whether each sync
function blocks (transitively, with the chain as file locations), and the
methods and attributes of classes. It keeps no syntax trees.
"""

from __future__ import annotations

import ast

from . import catalog
from .blocking import BlockingReason, Step
from .chunks import Chunk
from .context import ModuleContext, _short
from .facts import FunctionInfo
from .resolve import Instance
from .symbols import ModuleSymbols
from .workspace import Alias, ClassExport, FunctionExport, ModuleSummary, RemoteReason, RemoteStep, WorkspaceIndex


def summarize(module: str, path: str, chunks: list[Chunk], symbols: ModuleSymbols, index: WorkspaceIndex) -> ModuleSummary:
    context = ModuleContext(chunks, symbols, index.options, path, index=index)
    resolver = context.resolver
    summary = ModuleSummary(module, path, uses_fastapi=symbols.imports_fastapi)
    for name, binding in symbols.bindings.items():
        if binding.kind == "import":
            summary.imports[name] = catalog.canonical(symbols.absolute_import(binding.target))
        elif binding.kind == "function":
            fn = symbols.functions.get(name)
            if fn is not None:
                summary.functions[name] = _function(fn, context)
        elif binding.kind == "class":
            klass = symbols.classes.get(name)
            if klass is None:
                continue
            methods = {m: _function(f, context) for m, f in klass.methods.items()}
            attributes = {}
            for attr in klass.instance_attrs.keys() | klass.assigned.keys():
                value = resolver.member(Instance(symbols.qualify(klass.name)), attr)
                if value is not None and not (hasattr(value, "qualname") and value.qualname.endswith(f".{attr}")):
                    attributes[attr] = value
            summary.classes[name] = ClassExport(symbols.qualify(klass.qualname), methods, attributes)
        else:
            if type(binding.value) is ast.Subscript:
                alias = resolver.annotation_type(binding.value, None)
                if alias:
                    summary.values[name] = Alias(alias)
                    continue
            summary.values[name] = resolver.module_value(name)
    return summary


def _function(fn: FunctionInfo, context: ModuleContext) -> FunctionExport:
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
    )


def remote_reason(reason: BlockingReason, context: ModuleContext) -> RemoteReason:
    return RemoteReason(reason.code, reason.what, reason.target, tuple(remote_step(s, context) for s in reason.chain))


def remote_step(step: Step | RemoteStep, context: ModuleContext) -> RemoteStep:
    if isinstance(step, RemoteStep):
        return step
    chunk = context.chunk_of(step.function)
    span = chunk.node_range(step.call).shifted(chunk.origin) if chunk is not None else None
    return RemoteStep(_short(step.function.qualname), step.label, context.path or "", span)

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
from typing import TYPE_CHECKING

from ..catalog import canonical
from ..facts.blocking import BlockingReason, ParamUse, Step, attribute_params
from ..facts.depends import alias_dependency
from ..facts.module_context import ModuleContext
from ..names.dotted import short_name
from ..names.classes import is_abstract, method_kind
from ..names.exports import Alias, ClassExport, FunctionExport, ModuleSummary, ParamCall, RemoteReason, RemoteStep
from ..names.symbols import ModuleSymbols
from ..names.values import Ref
from ..source.chunks import Chunk
from ..source.facts import FunctionInfo
from .exported_facts import ClassAttributes, ExportedFacts
from .trees import ModuleTrees

if TYPE_CHECKING:
    from ..names.lookup import WorkspaceLookup


def summarize(
    module: str,
    path: str,
    chunks: list[Chunk],
    symbols: ModuleSymbols,
    index: WorkspaceLookup,
    owned: bool = True,
    lines: int = 0,
) -> ModuleSummary:
    """``owned``: the chunks were parsed for this summary (not an open document's), so they may be released."""
    context = ModuleContext(chunks, symbols, index.options_for(path), path, index=index)
    trees = ModuleTrees(index, module, path, symbols.is_package, owned)
    with trees.in_use():  # summaries of other modules, made meanwhile, may drop these trees
        trees.keep(context, lines)
        return _summary(module, path, symbols, context, trees)


def _summary(module: str, path: str, symbols: ModuleSymbols, context: ModuleContext, trees: ModuleTrees) -> ModuleSummary:
    resolver = context.resolver
    summary = ModuleSummary(module, path, uses_fastapi=symbols.imports_fastapi)
    for name, binding in symbols.bindings.items():
        if binding.kind == "import":
            summary.imports[name] = canonical(symbols.absolute_import(binding.target))
        elif binding.kind == "function":
            fn = symbols.functions.get(name)
            if fn is not None:
                summary.functions[name] = export = _function(fn, context, trees)
                returned = export.returns
                for nested in fn.nested:  # a factory's closure (``Depends(require(...))``): found by its qualified name
                    if type(returned) is Ref and returned.qualname == symbols.qualify(nested.qualname):
                        summary.functions[nested.qualname] = _function(nested, context, trees)
        elif binding.kind == "class":
            klass = symbols.classes.get(name)
            if klass is None:
                continue
            qualname = symbols.qualify(klass.qualname)
            methods, properties = {}, set()
            for method, fn in klass.methods.items():
                if method_kind(fn) == "property":  # read as an attribute: its value
                    properties.add(method)
                else:
                    methods[method] = _function(fn, context, trees)
            names = frozenset(klass.instance_attrs.keys() | klass.assigned.keys() | klass.annotations.keys() | properties)
            attributes = ClassAttributes(qualname, klass.name, names, trees)  # resolved when asked
            init = klass.methods.get("__init__")
            holders = attribute_params(init) if init is not None else {}
            summary.classes[name] = ClassExport(qualname, methods, attributes, resolver.class_bases(qualname) or (), holders)
        else:
            if type(binding.value) is ast.Subscript:
                alias = resolver.annotation_type(binding.value, None)
                dependency = alias_dependency(name, context)  # categories 4-6
                if alias or dependency:
                    summary.values[name] = Alias(alias or "", dependency)
                    continue
            summary.values[name] = resolver.module_value(name)
    for attr in symbols.state_assigned:
        value = resolver.local_state(attr)
        if value is not None:
            summary.state[attr] = value
    return summary


def _function(fn: FunctionInfo, context: ModuleContext, trees: ModuleTrees) -> FunctionExport:
    chunk = context.chunk_of(fn)
    span = chunk.node_range(fn.node).shifted(chunk.origin) if chunk else None
    blocking = _NO_REASONS  # most functions: shared, never written
    param_calls = _NO_CALLS
    if not fn.is_async and not fn.is_generator:
        reasons = context.blocking.function_reasons(fn)
        if reasons:
            blocking = {code: remote_reason(reason, context) for code, reason in reasons.items()}
        uses = context.blocking.param_uses(fn)
        if uses:
            param_calls = {name: tuple(_param_call(u, context) for u in found) for name, found in uses.items()}
    injects = context.resolver.injects(fn) if fn.nested and fn.parent is None and fn.owner is None else _NO_VALUES
    attribute_calls = _NO_CALLS
    if fn.is_async and fn.name == "__call__":
        uses = context.blocking.attribute_uses(fn)
        attribute_calls = {key: tuple(_param_call(u, context) for u in found) for key, found in uses.items()} or _NO_CALLS
    return FunctionExport(
        context.symbols.qualify(fn.qualname),
        fn.is_async,
        fn.is_generator,
        context.resolver.returns_of(fn),
        blocking,
        context.path or "",
        span,
        ExportedFacts(fn.qualname, trees),  # categories 4-6, computed when first read
        tuple(fn.params),
        method_kind(fn),
        is_abstract(fn),
        param_calls,
        injects or _NO_VALUES,
        attribute_calls,
    )


_NO_REASONS: dict[str, RemoteReason] = {}
_NO_CALLS: dict[str, tuple[ParamCall, ...]] = {}
_NO_VALUES: dict = {}


def _param_call(use: ParamUse, context: ModuleContext) -> ParamCall:
    return ParamCall(use.method, tuple(remote_step(s, context) for s in use.chain))


def remote_reason(reason: BlockingReason, context: ModuleContext) -> RemoteReason:
    return RemoteReason(reason.code, reason.what, reason.target, tuple(remote_step(s, context) for s in reason.chain))


def remote_step(step: Step | RemoteStep, context: ModuleContext) -> RemoteStep:
    if isinstance(step, RemoteStep):
        return step
    chunk = context.chunk_of(step.function)
    span = chunk.node_range(step.call).shifted(chunk.origin) if chunk is not None else None
    return RemoteStep(short_name(step.function.qualname), step.label, context.path or "", span)

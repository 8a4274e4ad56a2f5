"""Whether a module's new summary tells other modules anything its old one did not.

When an open document settles after an edit, its summary is made again
from its live statements. The summaries of other modules that consulted it
hold what they took from it (a helper's blocking chain, a return type, a
base class); they stay valid when everything they could have taken is
unchanged: the eager part of the summary, and those lazily computed facts
(``ExportedFacts``, ``ClassAttributes``) that had been asked for. A typed
character inside a function body usually changes none of it, and the
dependents then need not be summarised again, from the disk, on the event
loop. Anything that differs, or that cannot be compared, counts as changed.
"""

from __future__ import annotations

from ..names.exports import ClassExport, FunctionExport, ModuleSummary
from .exported_facts import ClassAttributes, ExportedFacts


def same_exports(old: ModuleSummary, new: ModuleSummary) -> bool:
    if (old.module, old.path, old.uses_fastapi, old.imports, old.values, old.state) != (
        new.module,
        new.path,
        new.uses_fastapi,
        new.imports,
        new.values,
        new.state,
    ):
        return False
    if old.functions.keys() != new.functions.keys() or old.classes.keys() != new.classes.keys():
        return False
    if not all(_same_function(fn, new.functions[name]) for name, fn in old.functions.items()):
        return False
    return all(_same_class(klass, new.classes[name]) for name, klass in old.classes.items())


def _eager(fn: FunctionExport) -> tuple:
    return (
        fn.qualname,
        fn.is_async,
        fn.is_generator,
        fn.returns,
        fn.blocking,
        fn.path,
        fn.range,
        fn.params,
        fn.kind,
        fn.abstract,
        fn.param_calls,
        fn.injects,
        fn.attribute_calls,
    )


def _same_function(old: FunctionExport, new: FunctionExport) -> bool:
    if _eager(old) != _eager(new):
        return False
    facts = old.facts
    if facts is None:
        return new.facts is None
    if type(facts) is not ExportedFacts or type(new.facts) is not ExportedFacts:
        return False
    # Only the parts someone asked for can have been taken; the new summary computes those to compare.
    return all(getattr(facts, part) == getattr(new.facts, part) for part in facts.computed)


def _same_class(old: ClassExport, new: ClassExport) -> bool:
    if (old.qualname, old.bases, old.attribute_params) != (new.qualname, new.bases, new.attribute_params):
        return False
    if old.methods.keys() != new.methods.keys():
        return False
    if not all(_same_function(fn, new.methods[name]) for name, fn in old.methods.items()):
        return False
    return _same_attributes(old.attributes, new.attributes)


def _same_attributes(old, new) -> bool:
    if type(old) is not ClassAttributes or type(new) is not ClassAttributes:
        return old == new
    if old.names != new.names:
        return False
    return all(new.get(attr) == value for attr, value in old.resolved().items())

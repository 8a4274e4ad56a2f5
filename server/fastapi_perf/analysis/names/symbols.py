"""Module-level names, merged from every chunk of one file.

Each chunk knows only what it binds itself; the rules of one chunk need the
imports and definitions of all the others. ``ModuleSymbols`` is that merged
view. The server also asks it which names changed between two versions, so
that only the chunks that read a changed name are checked again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..source.facts import Binding, ChunkFacts, ClassInfo, FunctionInfo


@dataclass(slots=True, eq=False)
class ModuleSymbols:
    module_name: str = "__main__"
    is_package: bool = False
    bindings: dict[str, Binding] = field(default_factory=dict)
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    dependency_names: set[str] = field(default_factory=set)
    registered_routes: set[str] = field(default_factory=set)
    all_functions: dict[str, FunctionInfo] = field(default_factory=dict)
    """Every function of the file (methods and closures too) by its qualified name."""
    function_chunk: dict[str, int] = field(default_factory=dict)
    imports_fastapi: bool = False
    binding_chunk: dict[str, int] = field(default_factory=dict)
    """Index of the chunk that binds each name (the last one wins, as at run time)."""
    rebound: set[str] = field(default_factory=set)
    """Names bound by more than one chunk."""
    global_assigned: dict[str, list] = field(default_factory=dict)
    """Globals assigned in functions that declare them ``global``: (value, function) pairs per name."""
    state_assigned: dict[str, list] = field(default_factory=dict)
    """``request.state.x = value`` anywhere in the file: (value, function) pairs per attribute."""

    @classmethod
    def merge(cls, chunks: list[ChunkFacts | None], module_name: str = "__main__", is_package: bool = False) -> ModuleSymbols:
        symbols = cls(module_name, is_package)
        for index, facts in enumerate(chunks):
            if facts is None:
                continue
            symbols.bindings.update(facts.bindings)
            binding_chunk = symbols.binding_chunk
            for name in facts.bindings:
                if name in binding_chunk:
                    symbols.rebound.add(name)
                binding_chunk[name] = index
            symbols.dependency_names |= facts.dependency_refs
            symbols.registered_routes |= facts.registered_routes
            symbols.imports_fastapi = symbols.imports_fastapi or facts.imports_fastapi
            _add_assigned(symbols, facts)
            for fn in facts.functions:
                symbols.all_functions[fn.qualname] = fn
                symbols.function_chunk[fn.qualname] = index
                if fn.parent is None and fn.class_name is None:
                    symbols.functions[fn.name] = fn
            for klass in facts.classes:
                if "." not in klass.qualname:
                    symbols.classes[klass.name] = klass
        return symbols

    def patched(self, before: list[ChunkFacts | None], after: list[ChunkFacts | None], changed: list[int]) -> ModuleSymbols | None:
        """These symbols with the chunks at ``changed`` replaced (``before`` -> ``after``, same length).

        An edit inside one function replaces one chunk of a thousand; merging
        them all again cost milliseconds per keystroke. None when a name the
        replaced chunks bind is bound elsewhere too (which binding wins
        depends on order): then merge.
        """
        symbols = ModuleSymbols(
            self.module_name,
            self.is_package,
            dict(self.bindings),
            dict(self.functions),
            dict(self.classes),
            self.dependency_names,
            self.registered_routes,
            dict(self.all_functions),
            dict(self.function_chunk),
            self.imports_fastapi,
            dict(self.binding_chunk),
            self.rebound,
            self.global_assigned,
            self.state_assigned,
        )
        bindings, binding_chunk = symbols.bindings, symbols.binding_chunk
        all_functions, function_chunk = symbols.all_functions, symbols.function_chunk
        sets_changed = fastapi_changed = False
        if any(f is not None and (f.global_assigned or f.state_assigned) for i in changed for f in (before[i], after[i])):
            symbols.global_assigned, symbols.state_assigned = {}, {}
            for facts in after:
                if facts is not None:
                    _add_assigned(symbols, facts)
        for index in changed:
            old, new = before[index], after[index]
            if old is None or new is None:
                if any(name in self.rebound for facts in (old, new) if facts is not None for name in facts.bindings):
                    return None
            elif not self.rebound.isdisjoint(old.bindings) or not self.rebound.isdisjoint(new.bindings):
                # A name bound here and elsewhere: which one wins is known only if this
                # chunk still binds the same names, functions and classes.
                if (
                    old.bindings.keys() != new.bindings.keys()
                    or [c.qualname for c in old.classes] != [c.qualname for c in new.classes]
                    or [f.qualname for f in old.functions] != [f.qualname for f in new.functions]
                ):
                    return None
            if old is None:
                continue
            for name in old.bindings:
                if binding_chunk.get(name) == index:
                    del bindings[name], binding_chunk[name]
            for fn in old.functions:
                if function_chunk.get(fn.qualname) == index:
                    del all_functions[fn.qualname], function_chunk[fn.qualname]
                    if symbols.functions.get(fn.name) is fn:
                        del symbols.functions[fn.name]
            for klass in old.classes:
                if symbols.classes.get(klass.name) is klass:
                    del symbols.classes[klass.name]
            sets_changed = sets_changed or bool(old.dependency_refs or old.registered_routes)
            fastapi_changed = fastapi_changed or old.imports_fastapi
        for index in changed:
            new = after[index]
            if new is None:
                continue
            for name, binding in new.bindings.items():
                if name in binding_chunk:
                    if name not in self.rebound:
                        return None  # newly bound twice
                    continue  # a later chunk binds it too, and wins
                bindings[name] = binding
                binding_chunk[name] = index
            for fn in new.functions:
                if function_chunk.get(fn.qualname, index) > index:
                    continue
                all_functions[fn.qualname] = fn
                function_chunk[fn.qualname] = index
                if fn.parent is None and fn.class_name is None:
                    symbols.functions[fn.name] = fn
            for klass in new.classes:
                if "." in klass.qualname:
                    continue
                winner = binding_chunk.get(klass.name, index)
                if winner == index:
                    symbols.classes[klass.name] = klass
                elif bindings[klass.name].kind != "class":
                    return None  # merging in order would keep this class; the lookup above cannot tell
            sets_changed = sets_changed or bool(new.dependency_refs or new.registered_routes)
            fastapi_changed = fastapi_changed or new.imports_fastapi
        if sets_changed:
            present = [f for f in after if f is not None]
            symbols.dependency_names = set().union(*(f.dependency_refs for f in present))
            symbols.registered_routes = set().union(*(f.registered_routes for f in present))
        if fastapi_changed:
            symbols.imports_fastapi = any(f is not None and f.imports_fastapi for f in after)
        return symbols

    def qualify(self, name: str) -> str:
        """The qualified name of a module-level definition of this file."""
        return f"{self.module_name}.{name}" if self.module_name else name

    def absolute_import(self, target: str) -> str:
        """Resolve a relative import target (``..crud.get``) against this module."""
        if not target.startswith("."):
            return target
        level = len(target) - len(target.lstrip("."))
        rest = target[level:]
        parts = self.module_name.split(".") if self.module_name else []
        if not self.is_package:
            parts = parts[:-1]
        if level > 1:
            parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
        base = ".".join(parts)
        if base and rest:
            return f"{base}.{rest}"
        return base or rest


def _add_assigned(symbols: ModuleSymbols, facts: ChunkFacts) -> None:
    for name, values in facts.global_assigned.items():
        symbols.global_assigned.setdefault(name, []).extend(values)
    for name, values in facts.state_assigned.items():
        symbols.state_assigned.setdefault(name, []).extend(values)

"""Module-level names, merged from every chunk of one file.

Each chunk knows only what it binds itself; the rules of one chunk need the
imports and definitions of all the others. ``ModuleSymbols`` is that merged
view. The server also asks it which names changed between two versions, so
that only the chunks that read a changed name are checked again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .facts import Binding, ChunkFacts, ClassInfo, FunctionInfo


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

    @classmethod
    def merge(cls, chunks: list[ChunkFacts | None], module_name: str = "__main__", is_package: bool = False) -> ModuleSymbols:
        symbols = cls(module_name, is_package)
        for index, facts in enumerate(chunks):
            if facts is None:
                continue
            symbols.bindings.update(facts.bindings)
            for name in facts.bindings:
                symbols.binding_chunk[name] = index
            symbols.dependency_names |= facts.dependency_refs
            symbols.registered_routes |= facts.registered_routes
            symbols.imports_fastapi = symbols.imports_fastapi or facts.imports_fastapi
            for fn in facts.functions:
                symbols.all_functions[fn.qualname] = fn
                symbols.function_chunk[fn.qualname] = index
                if fn.parent is None and fn.class_name is None:
                    symbols.functions[fn.name] = fn
            for klass in facts.classes:
                if "." not in klass.qualname:
                    symbols.classes[klass.name] = klass
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

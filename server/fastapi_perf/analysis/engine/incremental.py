"""Re-run rules only where an edit can change their findings.

Each chunk's findings are cached with the names the chunk reads. After an
edit, the module-level bindings are compared with the previous version's:
a binding whose signature changed (a new import, a helper that now calls
something else) marks the chunks that read it, and, through the chunks that
bind names in turn, anything that depends on those. Only marked chunks and
new ones run the rules again; the rest are shifted and reused.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..facts.module_context import ModuleContext
from ..findings import Finding
from ..names.dotted import attribute_chain
from ..names.symbols import ModuleSymbols
from ..options import AnalysisOptions
from ..source.chunks import Chunk
from ..source.document import Document
from ..source.facts import ClassInfo, FunctionInfo
from .assemble import FileContext, assemble_chunk
from .dispatch import Engine, RuleError
from .file_analysis import detect_newline

if TYPE_CHECKING:
    from ..names.inference import Inference
    from ..names.lookup import WorkspaceLookup


@dataclass(slots=True)
class Analysis:
    """One version's results. Findings are assembled per chunk, on demand and cached."""

    version: int
    chunks: list[Chunk]
    context: FileContext
    errors: list[RuleError] = field(default_factory=list)
    rerun: int = 0
    """Chunks whose rules ran for this version."""

    def chunk_findings(self, chunk: Chunk) -> list[Finding]:
        return assemble_chunk(chunk, chunk.findings or [], self.context)

    @property
    def findings(self) -> list[Finding]:
        return [f for chunk in self.chunks for f in self.chunk_findings(chunk)]


class IncrementalAnalysis:
    def __init__(
        self,
        document: Document,
        engine: Engine,
        options: AnalysisOptions,
        module_name: str = "__main__",
        is_package: bool = False,
        index: WorkspaceLookup | None = None,
    ) -> None:
        self.document = document
        self.index = index
        self.inference: Inference | None = None
        self.path: str | None = None
        self.symbols: ModuleSymbols | None = None
        self.consulted: set[str] = set()
        """Modules of the workspace the last run looked into."""
        self._external: set[str] = set()
        self.engine = engine
        self.options = options
        self.module_name = module_name
        self.is_package = is_package
        self._signatures: dict[str, object] = {}
        self._gate: tuple | None = None
        self._chunks: list[Chunk] = []
        self._facts: list = []
        """The chunks (and their facts) of the last run: the next one compares by identity."""
        self.last: Analysis | None = None

    def reset(self, engine: Engine | None = None, options: AnalysisOptions | None = None) -> None:
        """Forget cached findings (settings changed)."""
        if engine is not None:
            self.engine = engine
        if options is not None:
            self.options = options
        for piece in self.document.pieces:
            if piece.chunk is not None:
                piece.chunk.findings = None
        self._signatures.clear()
        self._gate = None
        self._chunks, self._facts = [], []
        self.last = None

    _PATCH_LIMIT = 8

    def _replaced(self, chunks: list[Chunk]) -> list[int] | None:
        """Indices of the chunks that differ from the last run's, when few did and none moved in the list."""
        before = self._chunks
        if len(before) != len(chunks) or not before:
            return None
        replaced = [i for i, (old, new) in enumerate(zip(before, chunks)) if old is not new]
        return replaced if len(replaced) <= self._PATCH_LIMIT else None

    def forget_statements(self, texts: set[int]) -> bool:
        """Drop the cached findings of the statements whose ``hash(text)`` is in ``texts``; True if any was.

        jedi answered questions those statements asked: the next run checks them with the answers.
        """
        forgotten = False
        for chunk in self.document.chunks:
            if chunk.text and hash(chunk.text) in texts:
                chunk.findings = None
                forgotten = True
        return forgotten

    def external_change(self, modules: set[str]) -> None:
        """Other files changed: chunks that use names imported from them must be checked again."""
        self._external |= modules

    def run(self, on_error: Callable[[RuleError], None] | None = None) -> Analysis:
        document = self.document
        chunks = document.chunks
        facts = [c.facts for c in chunks]
        replaced = self._replaced(chunks)
        symbols = None
        if replaced is not None and self.symbols is not None:
            symbols = self.symbols.patched(self._facts, facts, replaced)
        if symbols is None:
            replaced = None
            symbols = ModuleSymbols.merge(facts, self.module_name, self.is_package)
        previous = self._signatures
        if replaced is None:
            signatures = {}
            for chunk in chunks:
                signatures.update(_signatures_of(chunk))
            changed = {name for name, sig in signatures.items() if previous.get(name) != sig}
            changed.update(name for name in previous if name not in signatures)
        else:  # only names the replaced chunks bind (or bound) can have changed
            signatures = dict(previous)
            names: set[str] = set()
            for index in replaced:
                for facts_of in (self._facts[index], facts[index]):
                    if facts_of is not None:
                        names.update(facts_of.bindings)
            for name in names:
                winner = symbols.binding_chunk.get(name)  # a name bound twice: the last binding counts
                if winner is None:
                    signatures.pop(name, None)
                else:
                    signatures[name] = _signatures_of(chunks[winner])[name]
            changed = {name for name in names if previous.get(name) != signatures.get(name)}
        gate = (symbols.imports_fastapi, frozenset(symbols.dependency_names), frozenset(symbols.registered_routes))
        if self._gate is not None and gate[0] != self._gate[0]:
            for chunk in chunks:
                chunk.findings = None
        elif self._gate is not None:
            changed |= gate[1] ^ self._gate[1]
            changed |= gate[2] ^ self._gate[2]
        if self._external:
            changed |= _imported_from(symbols, self._external)
            self._external = set()
        changed = _closure(changed, chunks)
        module = ModuleContext(chunks, symbols, self.options, self.path, index=self.index, inference=self.inference)
        errors: list[RuleError] = []
        rerun = 0
        recording = self.index.recording() if self.index is not None else None
        consulted = recording.__enter__() if recording is not None else set()
        try:
            for chunk in chunks:
                if (
                    chunk.findings is None
                    or (changed and chunk.facts is not None and not chunk.facts.reads.isdisjoint(changed))
                    or (chunk.anchors is not None and _anchors_moved(chunk.anchors, chunks, symbols))
                ):
                    chunk.findings = self.engine.check_chunk(module, chunk, errors.append)
                    chunk.anchors = _anchors(chunk.findings, chunks, symbols)
                    rerun += 1
        finally:
            if recording is not None:
                recording.__exit__(None, None, None)
            module.release()
        consulted.discard(self.module_name)
        self.consulted |= consulted
        self.symbols = symbols
        self._signatures = signatures
        self._gate = gate
        self._chunks = chunks
        self._facts = facts
        context = FileContext(
            chunks,
            symbols,
            detect_newline(document.text),
            document.text,
            self.path,
            self.engine.syntax_code,
            self.options.target_version,
        )
        if on_error is not None:
            for error in errors:
                on_error(error)
        self.last = Analysis(document.version, chunks, context, errors, rerun)
        return self.last


def _signatures_of(chunk: Chunk) -> dict[str, object]:
    """Signatures of the module-level names a chunk binds (cached on the chunk)."""
    facts = chunk.facts
    if facts is None or not facts.bindings:
        return {}
    if chunk.signatures is None:
        chunk.signatures = {name: _signature(b, facts) for name, b in facts.bindings.items()}
    return chunk.signatures


def _anchors(findings: list[Finding], chunks: list[Chunk], symbols: ModuleSymbols) -> dict | None:
    """Anchor name -> text of its statement, for the related locations of ``findings`` in other statements."""
    found = None
    for finding in findings:
        for related in finding.related:
            if related.anchor is not None:
                index = symbols.binding_chunk.get(related.anchor)
                if found is None:
                    found = {}
                found[related.anchor] = chunks[index].text if index is not None and index < len(chunks) else None
    return found


def _anchors_moved(anchors: dict, chunks: list[Chunk], symbols: ModuleSymbols) -> bool:
    """Did a statement that cached findings point into change since?

    A related location in another statement (the blocking call inside a
    helper) is kept relative to that statement. An edit there that leaves
    the helper's summary alone (``time.sleep(0.1)`` -> ``time.sleep(.1)``, a
    line added above the call) does not re-check the route that calls it, so
    its location would point at the old columns or the wrong line.
    """
    for name, text in anchors.items():
        index = symbols.binding_chunk.get(name)
        if index is None or index >= len(chunks) or chunks[index].text != text:
            return True
    return False


def _imported_from(symbols: ModuleSymbols, modules: set[str]) -> set[str]:
    """Names this module imports from (or through) any of ``modules``."""
    names = set()
    for name, binding in symbols.bindings.items():
        if binding.kind != "import":
            continue
        target = symbols.absolute_import(binding.target)
        for module in modules:
            if target == module or target.startswith(module + ".") or module.startswith(target + "."):
                names.add(name)
                break
    return names


def _closure(changed: set[str], chunks: list[Chunk]) -> set[str]:
    """Add the names bound by chunks that read a changed name, until nothing more changes."""
    if not changed:
        return changed
    result = set(changed)
    pending = True
    while pending:
        pending = False
        for chunk in chunks:
            facts = chunk.facts
            if facts is None or not facts.bindings or facts.reads.isdisjoint(result):
                continue
            new = facts.bindings.keys() - result
            if new:
                result |= new
                pending = True
    return result


def _signature(binding, facts) -> object:
    """What other chunks can learn about a binding; equal signatures mean nothing to re-check."""
    if binding.kind == "import":
        return ("import", binding.target)
    if binding.kind == "function":
        fn = facts.function_named(binding.name)
        # A hash, not the tuple: open documents keep one per function.
        return ("function", hash(_function_summary(fn))) if fn is not None else ("function", binding.node)
    if binding.kind == "class":
        klass = next((c for c in facts.classes if c.node is binding.node), None)
        if klass is not None:
            return ("class", hash(_class_summary(klass)))
    return (binding.kind, binding.node)  # compared by identity: a re-parsed statement is a change


def _function_summary(fn: FunctionInfo) -> tuple:
    node = fn.node
    return (
        fn.is_async,
        fn.is_generator,
        fn.awaits,
        tuple(fn.params),
        tuple(_dotted(p.annotation) for p in fn.params.values()),
        tuple(_dotted(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list),
        # Not the calls' positions: a caller's finding that points at a call in this function
        # (related information) is re-checked when this statement's text changes (``_anchors_moved``).
        # With positions here, typing a character before a call re-checked every caller up the
        # call graph (hundreds of statements in a large file).
        tuple((_dotted(c.node.func), c.awaited, c.in_lambda, len(c.node.args)) for c in fn.calls),
        tuple(_function_summary(nested) for nested in fn.nested),
    )


# What a number is in a class body (a field's default, a bound) tells no rule about other
# statements: typing one re-checked every reader of the class.
_NUMBER = re.compile(r"Constant\(value=[-+]?(?:\d[\d_]*\.?\d*(?:e[-+]?\d+)?j?|\.\d+(?:e[-+]?\d+)?j?)\)")


def _class_summary(klass: ClassInfo) -> tuple:
    """A class as other statements see it: its methods as functions are seen, the rest of its body exactly.

    Without it, typing inside one method of a 4,000-line class re-checked
    every statement that mentions the class (and, through them, half a file).
    """
    node = klass.node
    body = tuple(
        _NUMBER.sub("Constant(value=0)", ast.dump(statement))
        for statement in node.body
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Expr))
    )
    return (
        tuple(ast.dump(base) for base in node.bases),
        tuple(ast.dump(keyword) for keyword in node.keywords),
        tuple(ast.dump(decorator) for decorator in node.decorator_list),
        body,
        tuple((name, _function_summary(method)) for name, method in klass.methods.items()),
        tuple((attr, tuple(_dotted(v.func) if isinstance(v, ast.Call) else _dotted(v) for v, _ in values))
              for attr, values in klass.instance_attrs.items()),
    )


def _dotted(expr) -> str:
    """A value's spelling for the fingerprint; what is not a dotted name is told by its node type (``Call.x``)."""
    if expr is None:
        return ""
    root, attrs = attribute_chain(expr)
    return ".".join([root.id if type(root) is ast.Name else type(root).__name__, *attrs])

"""Turn per-chunk findings into a file's findings.

Chunk findings are relative to their chunk and may name things only the
whole file knows: where imports go, which chunk a related location is in,
which lines carry ``# noqa``. This module resolves all of that, for the CLI
(once per file) and for the server (once per published version).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import replace

from ..findings import Edit, Finding, Fix, Position, Range, Related
from ..names.symbols import ModuleSymbols
from ..source.chunks import Chunk, SyntaxProblem
from ..source.noqa import Suppressions, collect


class FileContext:
    """What one file's chunks need from each other to become absolute findings.

    ``syntax`` is the code a file's first syntax error is reported under
    (None: not reported), ``target`` the Python version it is judged for.
    """

    def __init__(
        self,
        chunks: Sequence[Chunk],
        symbols: ModuleSymbols,
        newline: str = "\n",
        syntax: str | None = None,
        target: tuple[int, int] | None = None,
    ) -> None:
        self.chunks = chunks
        self.symbols = symbols
        self.newline = newline
        self.syntax = syntax
        self.syntax_chunk: Chunk | None = None
        """The statement that holds the file's first syntax error: the one it is reported on."""
        self.syntax_problem: SyntaxProblem | None = None
        file_level = Suppressions()
        for chunk in chunks:
            if syntax is not None and self.syntax_chunk is None and (chunk.syntax is not None or chunk.constructs):
                self.syntax_problem = chunk.problem(target)
                if self.syntax_problem is not None:
                    self.syntax_chunk = chunk
            for comment in chunk.comments:
                if "fastapi-perf" in comment.text.lower():
                    file_level.add(-1, comment.text)
        self.file_codes = None if file_level.file_codes is None else frozenset(file_level.file_codes)
        self.anchors = _AnchorLookup(chunks, symbols)
        self._imports: _ImportPoint | None = None

    @property
    def imports(self) -> _ImportPoint:
        if self._imports is None:
            self._imports = _ImportPoint(self.chunks, self.symbols)
        return self._imports


def assemble_chunk(chunk: Chunk, findings: Sequence[Finding], context: FileContext) -> list[Finding]:
    """One chunk's findings made absolute, with its ``# noqa`` lines applied.

    The result is cached on the chunk and reused while everything it was
    built from (origin, findings, file-level directives, import position,
    related chunks' origins) is unchanged, so an edit elsewhere costs this
    chunk one comparison.
    """
    reports_syntax = chunk is context.syntax_chunk
    if not findings and not reports_syntax:
        return _EMPTY
    cached = chunk.assembled
    same = cached is not None and cached[1] is findings
    needs = cached[3] if same else _needs(findings)
    key = _key(chunk, needs, context, reports_syntax)
    if same and cached[0] == key:
        return cached[2]
    result: list[Finding] = []
    if context.file_codes is not None:
        lines = collect((comment.line, comment) for comment in chunk.comments) if chunk.comments else None
        shown = findings
        if reports_syntax and context.syntax is not None and context.syntax_problem is not None:
            problem = context.syntax_problem
            shown = [Finding(context.syntax, problem.message, problem.range), *findings]
        for finding in shown:
            if finding.code in context.file_codes:
                continue
            if lines is not None and lines.suppresses(finding.code, finding.range.start.line):
                continue
            finding = finding.shifted(chunk.origin)
            if any(r.anchor for r in finding.related):
                finding = replace(finding, related=tuple(context.anchors.resolve(r) for r in finding.related))
            fix = finding.fix
            if fix is not None and (fix.imports or fix.module_lines):
                finding = replace(finding, fix=context.imports.complete(fix, context.newline))
            result.append(finding)
        result.sort(key=lambda f: (f.range.start, f.code))
    chunk.assembled = (key, findings, result, needs)
    return result


_EMPTY: list[Finding] = []


def _needs(findings: Sequence[Finding]) -> tuple[bool, tuple[str, ...]]:
    """What of the file a chunk's findings depend on: the import position, and which anchors."""
    needs_imports = any(f.fix is not None and (f.fix.imports or f.fix.module_lines) for f in findings)
    anchors = tuple(r.anchor for f in findings for r in f.related if r.anchor is not None)
    return needs_imports, anchors


def _key(chunk: Chunk, needs: tuple[bool, tuple[str, ...]], context: FileContext, syntax: bool) -> tuple:
    needs_imports, anchors = needs
    if not needs_imports and not anchors:  # most chunks: one small tuple per edit
        return (chunk.origin, context.file_codes, syntax and context.syntax_problem)
    return (
        chunk.origin,
        context.file_codes,
        syntax and context.syntax_problem,
        context.imports.position if needs_imports else None,
        context.newline if needs_imports else None,
        tuple((anchor, context.anchors.origin(anchor)) for anchor in anchors),
    )


def assemble(
    chunks: Sequence[Chunk],
    per_chunk: Sequence[Sequence[Finding]],
    symbols: ModuleSymbols,
    newline: str = "\n",
    syntax: str | None = None,
    target: tuple[int, int] | None = None,
) -> list[Finding]:
    """Absolute, noqa-filtered, sorted findings of one file."""
    context = FileContext(chunks, symbols, newline, syntax, target)
    result: list[Finding] = []
    for chunk, findings in zip(chunks, per_chunk):
        result.extend(assemble_chunk(chunk, findings, context))
    return result


class _AnchorLookup:
    def __init__(self, chunks: Sequence[Chunk], symbols: ModuleSymbols) -> None:
        self.chunks = chunks
        self.symbols = symbols

    def origin(self, anchor: str) -> int:
        index = self.symbols.binding_chunk.get(anchor)
        return self.chunks[index].origin if index is not None and index < len(self.chunks) else 0

    def resolve(self, related: Related) -> Related:
        if related.anchor is None:
            return related
        return Related(related.message, related.range.shifted(self.origin(related.anchor)), related.path)


class _ImportPoint:
    """Where new imports go: after the imports at the top of the file.

    The leading run of docstring, ``__future__`` imports and import
    statements (also inside ``try``/``if`` blocks that only import) ends at
    the last import; new lines go right after it.
    """

    def __init__(self, chunks: Sequence[Chunk], symbols: ModuleSymbols) -> None:
        self.symbols = symbols
        self.position = Position(0, 0)
        self.after_line = False
        for chunk in chunks:
            if chunk.broken:
                break
            leading = True
            for statement in chunk.statements:
                if _is_import_block(statement) or _is_docstring(statement):
                    last_line = chunk.origin + (statement.end_lineno or statement.lineno) - 1
                    self.position = Position(last_line, len(chunk.line(last_line - chunk.origin)))
                    self.after_line = True
                else:
                    leading = False
                    break
            if not leading:
                break

    def complete(self, fix: Fix, newline: str) -> Fix:
        lines = [
            request.statement
            for request in dict.fromkeys(fix.imports)
            if request.binds not in self.symbols.bindings
        ]
        lines += [line for line in fix.module_lines if line.partition("=")[0].strip() not in self.symbols.bindings]
        if not lines:
            return replace(fix, imports=(), module_lines=())
        if self.after_line:
            content = "".join(newline + line for line in lines)
        else:
            content = "".join(line + newline for line in lines)
        edit = Edit(Range(self.position, self.position), content)
        return replace(fix, edits=(edit, *fix.edits), imports=(), module_lines=())


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        type(statement) is ast.Expr
        and type(statement.value) is ast.Constant
        and isinstance(statement.value.value, str)
    )


def _is_import_block(statement: ast.stmt) -> bool:
    kind = type(statement)
    if kind is ast.Import or kind is ast.ImportFrom:
        return True
    if kind is ast.Try:
        return all(_is_import_block(s) or type(s) is ast.Pass for s in statement.body) and all(
            all(_is_import_block(s) or type(s) in (ast.Pass, ast.Assign) for s in handler.body)
            for handler in statement.handlers
        )
    if kind is ast.If:
        return all(_is_import_block(s) for s in statement.body + statement.orelse)
    return False

"""Turn per-chunk findings into a file's findings.

Chunk findings are relative to their chunk and may name things only the
whole file knows: where imports go, which chunk a related location is in,
which lines carry ``# noqa``. This module resolves all of that, for the CLI
(once per file) and for the server (once per published version).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from ..findings import Edit, Finding, Fix, ImportRequest, Position, Range, Related
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
        text: str | None = None,
        path: str | None = None,
        syntax: str | None = None,
        target: tuple[int, int] | None = None,
    ) -> None:
        self.chunks = chunks
        self.symbols = symbols
        self.newline = newline
        self.text = text
        """The file's text: new lines end like the lines they join."""
        self.path = path
        """Where the file is: which imports are the project's own (isort's first-party section)."""
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
            self._imports = _ImportPoint(self.chunks, self.symbols, self.newline, self.text, self.path)
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
                finding = replace(finding, fix=context.imports.complete(fix))
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
        context.imports.signature if needs_imports else None,
        tuple((anchor, context.anchors.origin(anchor)) for anchor in anchors),
    )


def assemble(
    chunks: Sequence[Chunk],
    per_chunk: Sequence[Sequence[Finding]],
    symbols: ModuleSymbols,
    newline: str = "\n",
    text: str | None = None,
    path: str | None = None,
    syntax: str | None = None,
    target: tuple[int, int] | None = None,
) -> list[Finding]:
    """Absolute, noqa-filtered, sorted findings of one file."""
    context = FileContext(chunks, symbols, newline, text, path, syntax, target)
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


class _Lines:
    """Lines of the file's text with their endings, split only as far as asked."""

    def __init__(self, text: str | None, chunks: Sequence[Chunk], newline: str) -> None:
        self.text = text
        self.chunks = chunks
        self.newline = newline
        self.lines: list[tuple[str, str]] = []
        self._offset = 0

    def _read_to(self, index: int) -> None:
        text = self.text
        while len(self.lines) <= index and text is not None and self._offset < len(text):
            match = _BREAK.search(text, self._offset)
            if match is None:
                self.lines.append((text[self._offset :], ""))
                self._offset = len(text)
            else:
                self.lines.append((text[self._offset : match.start()], match.group()))
                self._offset = match.end()

    def line(self, index: int) -> str | None:
        """The text of line ``index`` without its ending; None past the end."""
        if self.text is None:
            return self.chunks[0].line(index - self.chunks[0].origin) if self.chunks else None
        self._read_to(index)
        return self.lines[index][0] if index < len(self.lines) else None

    def ending(self, index: int) -> str:
        """The ending of line ``index`` (the file's usual one for a last line without any)."""
        if self.text is not None:
            self._read_to(index)
            if index < len(self.lines) and self.lines[index][1]:
                return self.lines[index][1]
        return self.newline

    def start(self, index: int) -> Position:
        """Column 0 of a line, after a byte-order mark on line 0."""
        bom = index == 0 and self.text is not None and self.text.startswith("\ufeff")
        return Position(index, 1 if bom else 0)

    def end(self, index: int) -> Position:
        return Position(index, len(self.line(index) or ""))


_BREAK = re.compile(r"\r\n|\r|\n")
_FUTURE, _STDLIB, _THIRD_PARTY, _FIRST_PARTY, _LOCAL = range(5)
_WRAP_AT = 88
"""Ruff's default line length: a ``from`` import that grows past it is wrapped the way Ruff wraps it."""


def _natural(text: str) -> str:
    """Ruff compares names in natural order (``a2`` before ``a10``), case-insensitively first."""
    return re.sub(r"\d+", lambda m: m.group().lstrip("0").rjust(20, "0"), text.lower())


def _member_key(name: str) -> tuple:
    """Ruff's ``order-by-type``: CONSTANTS, then Classes, then the rest."""
    kind = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    return (kind, _natural(name), name)


class _Import:
    """One import statement of the block, as isort and Ruff order it."""

    def __init__(self, statement: ast.Import | ast.ImportFrom, first: int, last: int, section: int) -> None:
        self.statement = statement
        self.first = first
        """The first line, comments directly above included."""
        self.last = last
        self.section = section
        if type(statement) is ast.Import:
            module = statement.names[0].name
            self.key = (section, 0, _natural(module), module)
        else:
            module = statement.module or ""
            self.key = (section, 1, -statement.level, _natural(module), module)
        self.module = module

    @property
    def mergeable(self) -> bool:
        """A ``from`` import of plain names (no ``as``, no ``*``): Ruff keeps one per module."""
        statement = self.statement
        return type(statement) is ast.ImportFrom and all(a.asname is None and a.name != "*" for a in statement.names)


class _ImportPoint:
    """Where a fix's new imports and module-level lines go.

    An import joins the file's first block of imports where isort or Ruff
    would put it (its section, in their order; a ``from`` import of a module
    already imported from is merged into that statement), so no new I001
    appears, as long as the block was sorted to begin with; otherwise, and
    when the file has no imports, it goes after the leading run of
    docstring, ``__future__`` imports and import statements (also inside
    ``try``/``if`` blocks that only import). Module-level lines go after
    that run, one blank line below it. New lines end like their neighbours.
    """

    def __init__(self, chunks: Sequence[Chunk], symbols: ModuleSymbols, newline: str, text: str | None, path: str | None) -> None:
        self.symbols = symbols
        self.lines = _Lines(text, chunks, newline)
        self.path = path
        self.end = Position(0, 0)
        self.after_line = False
        runs: list[list[tuple[ast.stmt, int, int]]] = [[]]
        for chunk in chunks:
            if chunk.broken:
                break
            leading = True
            for statement in chunk.statements:
                if _is_import_block(statement) or _is_docstring(statement):
                    first = chunk.origin + statement.lineno - 1
                    last = chunk.origin + (statement.end_lineno or statement.lineno) - 1
                    self.end = self.lines.end(last)
                    self.after_line = True
                    if type(statement) is ast.Import or type(statement) is ast.ImportFrom:
                        runs[-1].append((statement, first, last))
                    elif runs[-1]:
                        runs.append([])
                else:
                    leading = False
                    break
            if not leading:
                break
        run = next((r for r in runs if any(getattr(s, "module", None) != "__future__" for s, _, _ in r)), runs[0])
        self.block = [_Import(s, self._comments_above(first), last, self._section(s)) for s, first, last in run]
        self.sorted = bool(self.block) and self._is_sorted()
        after = self.end.line + 1
        while self.lines.line(after) is not None and not self.lines.line(after).strip():
            after += 1
        self.signature = (tuple(self.lines.line(i) for i in range(after + 1)), self.lines.newline)
        """Everything the placement depends on: an assembled chunk is reused while it is unchanged."""

    # -- the block ---------------------------------------------------------------
    def _comments_above(self, line: int) -> int:
        while line > 0 and (self.lines.line(line - 1) or "").lstrip().startswith("#"):
            line -= 1
        return line

    def _section(self, statement: ast.Import | ast.ImportFrom) -> int:
        if type(statement) is ast.ImportFrom:
            if statement.level:
                return _LOCAL
            module = statement.module or ""
        else:
            module = statement.names[0].name
        return self._module_section(module)

    def _module_section(self, module: str) -> int:
        top = module.partition(".")[0]
        if top == "__future__":
            return _FUTURE
        if top in sys.stdlib_module_names:
            return _STDLIB
        return _FIRST_PARTY if self._first_party(top) else _THIRD_PARTY

    def _first_party(self, top: str) -> bool:
        """Ruff's rule: the name is a package or module of the project (its root, or ``src/`` there)."""
        if top == self.symbols.module_name.partition(".")[0]:
            return True
        if not self.path:
            return False
        parts = self.symbols.module_name.split(".")
        folder = Path(self.path).parent
        for _ in range(len(parts) - (0 if self.symbols.is_package else 1)):
            folder = folder.parent
        return _in_project(str(folder), top)

    def _is_sorted(self) -> bool:
        """Whether Ruff's isort rules find nothing to change in the block (then, and only then, we keep it so)."""
        previous = None
        for entry in self.block:
            statement = entry.statement
            if type(statement) is ast.Import and len(statement.names) > 1:
                return False  # `import a, b`: isort splits it
            if previous is not None:
                if entry.key < previous.key:
                    return False
                if entry.mergeable and previous.mergeable and entry.key[:5] == previous.key[:5]:
                    return False  # two `from m import` of one module: isort joins them
                between = [self.lines.line(i) for i in range(previous.last + 1, entry.first)]
                if any((line or "").strip() for line in between):
                    return False
                if len(between) != (0 if entry.section == previous.section else 1):
                    return False
            previous = entry
        return True

    # -- completing a fix -----------------------------------------------------------
    def complete(self, fix: Fix) -> Fix:
        requests = [r for r in dict.fromkeys(fix.imports) if r.binds not in self.symbols.bindings]
        module_lines = [line for line in fix.module_lines if line.partition("=")[0].strip() not in self.symbols.bindings]
        if not requests and not module_lines:
            return replace(fix, imports=(), module_lines=())
        placed: dict[tuple, list[tuple[tuple, str]]] = {}
        for request in requests:
            where, key, text = self._place(request)
            placed.setdefault(where, []).append((key, text))
        edits = [self._combine(where, items) for where, items in placed.items()]
        if module_lines:
            edits = self._add_module_lines(edits, module_lines)
        return replace(fix, edits=(*edits, *fix.edits), imports=(), module_lines=())

    def _place(self, request: ImportRequest) -> tuple[tuple, tuple, str]:
        """(where: (mode, line), sort key, text) of one new import statement."""
        statement = ast.parse(request.statement).body[0]
        assert type(statement) is ast.Import or type(statement) is ast.ImportFrom
        if not self.sorted:
            return ("after-run", self.end.line), (), request.statement
        new = _Import(statement, -1, -1, self._section(statement))
        if new.mergeable:
            for entry in self.block:
                if entry.mergeable and entry.key[:5] == new.key[:5]:
                    return ("merge", entry.first), _member_key(statement.names[0].name), statement.names[0].name
        same = [e for e in self.block if e.section == new.section]
        if same:
            later = next((e for e in same if e.key > new.key), None)
            if later is not None:
                return ("before", later.first), new.key, request.statement
            return ("after", same[-1].last), new.key, request.statement
        later = next((e for e in self.block if e.section > new.section), None)
        if later is not None:
            return ("section-before", later.first), new.key, request.statement
        return ("section-after", self.block[-1].last), new.key, request.statement

    def _combine(self, where: tuple, items: list[tuple[tuple, str]]) -> Edit:
        mode, line = where
        ending = self.lines.ending(line)
        texts = [text for _, text in sorted(items)]
        if mode == "merge":
            merged = self._merge(line, texts)
            if merged is not None:
                return merged
            mode, texts = "after", [f"from {self.block_entry(line).module} import {name}" for name in texts]
            line = self.block_entry(line).last
        joined = ending.join(texts)
        if mode == "before":
            return _insert(self.lines.start(line), joined + ending)
        if mode == "after":
            return _insert(self.lines.end(line), ending + joined)
        if mode == "section-before":
            return _insert(self.lines.start(line), joined + ending + ending)
        if mode == "section-after":
            return _insert(self.lines.end(line), ending + ending + joined)
        return self._after_run(joined)

    def _after_run(self, joined: str) -> Edit:
        """The fallback: after the leading run, or at the top, keeping the blank lines Ruff wants after imports."""
        lines = self.lines
        if self.after_line:
            line = self.end.line
            ending = lines.ending(line)
            return _insert(self.end, ending + joined + ending * self._missing_blanks(line + 1))
        ending = lines.ending(0)
        return _insert(lines.start(0), joined + ending + ending * self._missing_blanks(0))

    def _missing_blanks(self, line: int) -> int:
        """Blank lines to add before ``line`` so the new imports are followed by as many as Ruff wants."""
        if self.block:
            return 0  # the block already ends the leading run as it likes
        blanks = 0
        while (text := self.lines.line(line + blanks)) is not None and not text.strip():
            blanks += 1
        if text is None:
            return 0
        wanted = 2 if text.startswith(("def ", "async def ", "class ", "@")) else 1
        return max(0, wanted - blanks)

    def _merge(self, line: int, names: list[str]) -> Edit | None:
        """Add names to the ``from`` import that starts at ``line``, written as Ruff would write it."""
        entry = self.block_entry(line)
        statement = entry.statement
        first = self._statement_line(entry)
        members = sorted([a.name for a in statement.names] + names, key=_member_key)
        head = f"from {'.' * statement.level}{statement.module or ''} import "
        ending = self.lines.ending(first)
        if entry.last == first:
            text = self.lines.line(first) or ""
            comment = text[_code_end(text) :]
            single = head + ", ".join(members)
            if comment or len(single) <= _WRAP_AT:
                return Edit(Range(self.lines.start(first), self.lines.end(first)), single + comment)
        elif any("#" in (self.lines.line(i) or "") for i in range(first, entry.last + 1)):
            return None  # comments inside a wrapped import: rewriting it would lose them
        wrapped = head + "(" + ending + "".join(f"    {m},{ending}" for m in members) + ")"
        return Edit(Range(self.lines.start(first), self.lines.end(entry.last)), wrapped)

    def block_entry(self, first: int) -> _Import:
        return next(e for e in self.block if e.first == first)

    def _statement_line(self, entry: _Import) -> int:
        line = entry.first
        while (self.lines.line(line) or "").lstrip().startswith("#"):
            line += 1
        return line

    def _add_module_lines(self, edits: list[Edit], module_lines: list[str]) -> list[Edit]:
        """Module-level lines go one blank line below the leading run (at the top of a file without one).

        One blank line, as Ruff wants after imports; lines added earlier
        (fix-all's previous rounds) stay together below it.
        """
        lines = self.lines
        if not self.after_line:
            ending = lines.ending(0)
            position = lines.start(0)
            content = "".join(line + ending for line in module_lines)
        else:
            last = self.end.line
            ending = lines.ending(last)
            if lines.line(last + 1) is None:
                position = self.end
                content = ending + ending + ending.join(module_lines)
            elif (lines.line(last + 1) or "").strip():
                position = lines.start(last + 1)
                content = ending + "".join(line + ending for line in module_lines)
            else:
                position = lines.start(last + 2)  # below the first blank line
                content = "".join(line + ending for line in module_lines)
        for index, edit in enumerate(edits):
            if edit.range.start == position and edit.range.end == position:  # one insertion, imports first
                edits[index] = _insert(position, edit.content + content)
                return edits
        return [*edits, _insert(position, content)]


@lru_cache(maxsize=4096)
def _in_project(folder: str, top: str) -> bool:
    """A package or module ``top`` in the project folder or its ``src/`` (asked again on every edit: cached)."""
    root = Path(folder)
    for base in (root, root / "src") if root.name != "src" else (root, root.parent):
        if (base / top).is_dir() or (base / f"{top}.py").is_file():
            return True
    return False


def _insert(position: Position, content: str) -> Edit:
    return Edit(Range(position, position), content)


def _code_end(line: str) -> int:
    """Where the code of a one-line import ends and its trailing comment (with the spaces before it) begins."""
    hash_at = line.find("#")
    if hash_at < 0:
        return len(line.rstrip())
    return len(line[:hash_at].rstrip())


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

"""Fix safety: every offered fix, alone and all together, on real files.

An editor offers a quick fix for every finding that has one (safe, unsafe
and display-only alike: the title says which), a "Disable FAPxxx for this
line" action for every finding, and fix-all. Each is applied here to the
file it was offered for, and the result must:

- still compile (when the file compiled before);
- no longer have the finding the action targeted;
- have no finding the file did not have before.

A finding is known by its code and its first line, carried through the
action's edits (a finding below an inserted import moves down a line; one
whose range encloses the edit — ``os.path.realpath(tempfile.mkdtemp())``
around a fixed ``mkdtemp`` — stays where it was, although its text and
maybe its message changed). Counts compare as multisets, so of two
identical ``time.sleep(1)`` calls on one line fixing one must leave exactly
one. Fix-all runs several rounds, so there only the count per code is
compared, and no finding fix-all could fix may be left.

Used by ``test_fix_safety.py`` (the demo app and the rule fixtures, in CI)
and ``tests/benchmarks/bench_fix_safety.py`` (the corpus, which is not part
of the repository).
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_perf.analysis.findings import Edit, Finding, Position, Range
from fastapi_perf.analysis.source.document import Document
from fastapi_perf.analysis.source.positions import split_lines
from fastapi_perf.checker.discovery import FileFilter, discover
from fastapi_perf.checker.fixing import apply_edits, compiles, fix_text
from fastapi_perf.checker.runner import Runner, analyse_source, decode_source
from fastapi_perf.config import Settings, load_settings
from fastapi_perf.lsp.convert import noqa_edit
from fastapi_perf.lsp.documents import OpenDocument

Analyse = Callable[[str], list[Finding]]


@dataclass
class Broken:
    path: str
    action: str
    """``fix``, ``noqa`` or ``fix-all``."""
    code: str | None
    line: int
    """1-based line of the targeted finding (0 for fix-all)."""
    reason: str
    diff: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.action} {self.code or ''}: {self.reason}\n{self.diff}"


@dataclass
class Tally:
    files: int = 0
    """Files analysed."""
    acted_on: int = 0
    """Files with a finding (the only ones an action can be offered for)."""
    findings: int = 0
    fixes: int = 0
    """Quick fixes applied one at a time."""
    noqa: int = 0
    """``# noqa`` actions applied one at a time."""
    fix_all_files: int = 0
    fix_all_applied: int = 0
    """Fixes fix-all applied, over all files."""
    by_code: Counter = field(default_factory=Counter)
    broken: list[Broken] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("files", "acted_on", "findings", "fixes", "noqa", "fix_all_files", "fix_all_applied"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.by_code.update(other.by_code)
        self.broken.extend(other.broken)

    def summary(self) -> str:
        codes = ", ".join(f"{code} {count}" for code, count in sorted(self.by_code.items()))
        return (
            f"files {self.files:,} ({self.acted_on:,} with findings), findings {self.findings:,}; fixes tried one at a time {self.fixes:,} ({codes or 'none'}); "
            f"noqa actions tried {self.noqa:,}; fix-all on {self.fix_all_files:,} files applied {self.fix_all_applied:,}; "
            f"broken {len(self.broken)}"
        )


# -- judging one result ---------------------------------------------------------------

def line_after(position: Position, edits: list[Edit]) -> int:
    """The line where ``position`` (of the text before) is after ``edits`` (non-overlapping, all in before-coordinates)."""
    line = position.line
    for edit in edits:
        start, end = edit.range
        added = edit.content.count("\n") + edit.content.count("\r") - edit.content.count("\r\n")
        if position >= end:  # after the edit (an insertion at the position goes before it)
            line += added - (end.line - start.line)
        elif position > start:  # inside the replaced text: it moves to where the replacement starts
            line += start.line - position.line
    return line


def inventory(findings: list[Finding], edits: list[Edit] | None = None) -> Counter:
    """(code, first line) of each finding with a code, carried through ``edits`` when given."""
    return Counter(
        (f.code, line_after(f.range.start, edits) if edits else f.range.start.line) for f in findings if f.code is not None
    )


def outside(text: str, edits: list[Edit]) -> list[str]:
    """Edits whose range does not lie inside ``text``."""
    lines = split_lines(text)
    bad = []
    for edit in edits:
        for position in edit.range:
            if position.line >= len(lines) or position.column > len(lines[position.line]):
                bad.append(f"edit at {position.line + 1}:{position.column} is outside the text")
        if edit.range.end < edit.range.start:
            bad.append(f"edit {edit.range} ends before it starts")
    return bad


def judge(before: str, after: str, found_before: list[Finding], found_after: list[Finding], target: Finding, edits: list[Edit]) -> list[str]:
    """Why ``after`` (``edits`` applied to ``before`` to act on ``target``) is not a safe result (empty if it is)."""
    problems = []
    if compiles(before) and not compiles(after):
        problems.append("the result does not compile")
    old, new = inventory(found_before, edits), inventory(found_after)
    key = (target.code, line_after(target.range.start, edits))
    if new[key] >= old[key]:
        problems.append(f"the targeted finding is still there: {target.message}")
    old[key] -= 1
    lines = split_lines(after)
    for (code, line), count in new.items():
        if count > old[(code, line)]:
            problems.append(f"new finding {code} on line {line + 1}: `{lines[line].strip()[:100] if line < len(lines) else ''}`")
    return problems


def judge_fix_all(before: str, after: str, found_before: list[Finding], remaining: list[Finding]) -> list[str]:
    problems = []
    if compiles(before) and not compiles(after):
        problems.append("the result does not compile")
    old = Counter(f.code for f in found_before if f.code)
    new = Counter(f.code for f in remaining if f.code)
    problems += [f"{count - old[code]} more {code} findings than before" for code, count in new.items() if count > old[code]]
    left = [f for f in remaining if f.fix is not None and f.fix.edits and f.fix.applicability.value != "display-only"]
    problems += [f"fix-all left a fixable {f.code} on line {f.range.start.line + 1}" for f in left]
    return problems


def diff(before: str, after: str, name: str) -> str:
    lines = difflib.unified_diff(before.splitlines(True), after.splitlines(True), f"a/{name}", f"b/{name}", n=2)
    return "".join(lines)[:3000]


# -- acting on one file -------------------------------------------------------------------

def noqa_action(text: str, finding: Finding) -> list[Edit] | None:
    """The edit of the server's "Disable FAPxxx for this line" action (code points: UTF-32 units)."""
    doc = OpenDocument("file:///fix-safety.py", None, Document(text), None, Settings())  # type: ignore[arg-type]
    edit = noqa_edit(doc, finding, "utf-32")
    if edit is None:
        return None
    r = edit["range"]
    start = Position(r["start"]["line"], r["start"]["character"])
    end = Position(r["end"]["line"], r["end"]["character"])
    return [Edit(Range(start, end), edit["newText"])]


def check_text(name: str, text: str, analyse: Analyse, tally: Tally, noqa: bool = True) -> None:
    """Apply each fix and each noqa action alone, then fix-all; record what broke."""
    found = analyse(text)
    tally.acted_on += 1
    tally.findings += sum(1 for f in found if f.code is not None)
    actions: list[tuple[str, Finding, list[Edit]]] = []
    for finding in found:
        if finding.fix is not None and finding.fix.edits:
            actions.append(("fix", finding, list(finding.fix.edits)))
        if noqa and finding.code is not None:
            edits = noqa_action(text, finding)
            if edits is not None:
                actions.append(("noqa", finding, edits))
    for action, finding, edits in actions:
        if action == "fix":
            tally.fixes += 1
            tally.by_code[finding.code] += 1
        else:
            tally.noqa += 1
        problems = outside(text, edits)
        after = apply_edits(text, edits)
        problems += judge(text, after, found, analyse(after), finding, edits)
        if problems:
            line = finding.range.start.line + 1
            tally.broken.append(Broken(name, action, finding.code, line, "; ".join(problems), diff(text, after, name)))
    if any(f.fix is not None and f.fix.edits for f in found):
        tally.fix_all_files += 1
        fixed, applied, remaining = fix_text(text, analyse, unsafe=True)
        tally.fix_all_applied += applied
        problems = judge_fix_all(text, fixed, found, remaining)
        if applied and fixed == text:
            problems.append("fix-all reported fixes but changed nothing")
        if problems:
            tally.broken.append(Broken(name, "fix-all", None, 0, "; ".join(problems), diff(text, fixed, name)))


# -- a whole application ------------------------------------------------------------------

class Project:
    """One application analysed as ``fastapi-perf check ROOT --select FAP`` does: its settings, every rule,
    calls followed into its other files through the workspace index."""

    def __init__(self, root: Path, **overrides) -> None:
        root = self.root = root.resolve()
        settings = load_settings(root).with_overrides(select=("FAP",), **overrides)
        self.settings = settings
        file_filter = FileFilter(settings.root or root, settings.exclude + settings.extend_exclude)
        self.files = [p for p in discover([root], file_filter) if p.is_file()]
        self.runner = Runner(settings, use_cache=False)

    def candidates(self) -> list[Path]:
        """Files with at least one finding (the only ones an action can be offered for)."""
        outcomes = self.runner.run(self.files)
        return [o.path for o in outcomes if not o.problem and any(f.code for f in o.findings)]

    def analyser(self, path: Path) -> Analyse:
        def analyse(text: str) -> list[Finding]:
            outcome = analyse_source(path, text, self.runner.engine, self.settings, self.runner.index)
            assert not outcome.rule_errors, outcome.rule_errors
            return outcome.findings

        return analyse

    def check(self, tally: Tally, progress: Callable[[Path], None] | None = None) -> None:
        tally.files += len(self.files)
        for path in self.candidates():
            text, problem = decode_source(path.read_bytes(), self.settings.max_file_size)
            if text is None:
                continue
            if progress:
                progress(path)
            check_text(str(path.relative_to(self.root.parent)), text, self.analyser(path), tally)

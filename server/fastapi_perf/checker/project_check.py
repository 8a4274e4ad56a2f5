"""One check of some paths as ``fastapi-perf check`` runs it, shared by the CLI and the MCP server.

Both faces must agree on which files are checked, which project files calls
are followed into, what ``per-file-ignores`` silences and what a fix
writes; keeping that here means an agent sees what the terminal sees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..analysis.findings import Finding
from ..config import Settings
from ..report import Reported
from .discovery import FileFilter, Skipped, discover
from .fixing import allowed, fix_text, resolved
from .runner import FileOutcome, Runner, analyse_source
from .writing import checked_trees, read_source, refusal, write_source


@dataclass(slots=True)
class FixedFile:
    path: Path
    original: str
    text: str
    applied: int
    """Findings the fixes settled: what the summary promised as fixable, when all went well."""
    remaining: list[Finding]
    bom: bool = False


class ProjectCheck:
    def __init__(
        self,
        paths: Sequence[Path],
        settings: Settings,
        *,
        use_cache: bool = True,
        jobs: int | None = None,
        readable: Callable[[Path], bool] | None = None,
    ) -> None:
        """``readable``: files it rejects are neither checked nor read for calls (``refused`` lists them)."""
        self.settings = settings
        file_filter = FileFilter(settings.root or Path.cwd(), settings.exclude + settings.extend_exclude)
        self.skipped: list[Skipped] = []
        """Named paths that gave nothing to check (a FIFO, a device, an empty folder), with why."""
        found = list(discover(paths, file_filter, self.skipped))
        self.trees = checked_trees(paths)
        """The real folders fixes may be written in."""
        self.files = [f for f in found if readable is None or readable(f)]
        self.refused = [f for f in found if readable is not None and not readable(f)]
        self.project_files: list[Path] = []
        if settings.follow_imports and settings.root is not None and settings.root.is_dir():
            if [p.absolute() for p in paths] == [settings.root.absolute()]:
                self.project_files = self.files  # the whole project is being checked
            else:  # calls are followed into the whole project
                self.project_files = [f for f in discover([settings.root], file_filter) if readable is None or readable(f)]
        self.runner = Runner(settings, use_cache=use_cache, jobs=jobs)

    def run(self, progress: Callable[[int, int], None] | None = None) -> list[FileOutcome]:
        return self.runner.run(self.files, progress, self.project_files)

    def findings(self, outcome: FileOutcome) -> list[Finding]:
        """The outcome's findings less those ``per-file-ignores`` silences."""
        return self.settings.without_ignored(outcome.path, outcome.findings)

    def reported(self, outcomes: Sequence[FileOutcome], unsafe: bool) -> list[Reported]:
        severity = self.settings.severity_of
        return [Reported(o.path, f, severity(f.code), allowed(f.fix, unsafe)) for o in outcomes for f in self.findings(o)]

    def fix(
        self, outcome: FileOutcome, unsafe: bool, keep: Callable[[Finding], bool] | None = None
    ) -> FixedFile | None:
        """The file's text with its applicable fixes applied, or None when nothing changes.

        ``keep`` narrows the findings whose fixes may be applied (the MCP
        server's ``codes``). The file is analysed again after each round of
        fixes, as ``--fix`` does. Raises ``OSError``/``UnicodeDecodeError``
        when the file cannot be read again.
        """
        before = [f for f in self.findings(outcome) if keep is None or keep(f)]
        if outcome.problem or not any(allowed(f.fix, unsafe) for f in before):
            return None
        original, bom = read_source(outcome.path)  # bytes decoded as they are: line endings are kept

        def analyse(text: str) -> list[Finding]:
            found = self.settings.without_ignored(
                outcome.path, analyse_source(outcome.path, text, self.runner.engine, self.settings, self.runner.index).findings
            )
            return found if keep is None else [f for f in found if keep(f)]

        text, _, remaining = fix_text(original, analyse, unsafe)
        if text == original:
            return None
        return FixedFile(outcome.path, original, text, resolved(before, remaining, unsafe), remaining, bom)

    def write(self, fixed: FixedFile) -> tuple[str, bool] | None:
        """Write a fixed file (atomically, mode and BOM kept); else why not, and whether that is an error.

        A file that links out of the checked trees is left alone (a warning);
        one that is read-only or cannot be written is an error.
        """
        refused = refusal(fixed.path, self.trees)
        if refused is not None:
            return refused
        try:
            write_source(fixed.path, fixed.text, fixed.bom)
        except OSError as error:
            return f"cannot write the fixes: {error.strerror or error}", True
        return None


def settings_start(paths: Sequence[Path]) -> Path:
    """Where settings are looked up from: the one path, or the paths' common folder."""
    resolved = [p.resolve() for p in paths]
    if len(resolved) == 1:
        return resolved[0]
    return Path(*_common_parts([p.parts for p in resolved]))


def _common_parts(parts: list[tuple[str, ...]]) -> tuple[str, ...]:
    shortest = min(parts, key=len)
    for index, part in enumerate(shortest):
        if any(p[index] != part for p in parts):
            return shortest[:index] or ("/",)
    return shortest

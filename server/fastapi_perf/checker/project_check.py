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
from ..analysis.names.modules import module_name_for
from ..analysis.options import AnalysisOptions
from ..config import Settings, SettingsResolver
from ..report import Reported
from .discovery import FileFilter, Skipped, discover, exclusion
from .fixing import allowed, fix_text, resolved
from .runner import FileOutcome, FolderOptions, Runner, SharedFiles, analyse_source
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
        settings: Settings | SettingsResolver,
        *,
        use_cache: bool = True,
        jobs: int | None = None,
        readable: Callable[[Path], bool] | None = None,
    ) -> None:
        """``settings``: one ``Settings`` for every file, or a resolver that gives each file its nearest.

        ``readable``: files it rejects are neither checked nor read for calls (``refused`` lists them).
        """
        if isinstance(settings, SettingsResolver):
            self.settings_of: Callable[[Path], Settings] = settings.for_file
            self.settings = settings.for_path(settings_start(paths))
            """The run's own settings (where the checked paths meet): its runtime report, its SARIF root."""
            file_filter = FileFilter(self.settings.root or Path.cwd(), (), nearest=lambda folder: exclusion(settings.for_folder(folder)))
        else:
            self.settings_of = lambda _path: settings
            self.settings = settings
            file_filter = FileFilter(settings.settings_folder or Path.cwd(), settings.exclude + settings.extend_exclude)
        self.skipped: list[Skipped] = []
        """Named paths that gave nothing to check (a FIFO, a device, an empty folder), with why."""
        found = list(discover(paths, file_filter, self.skipped))
        self.trees = checked_trees(paths)
        """The real folders fixes may be written in."""
        self.files = [f for f in found if readable is None or readable(f)]
        self.refused = [f for f in found if readable is not None and not readable(f)]
        groups: dict[int, tuple[Settings, list[Path]]] = {}
        for path in self.files:
            own = self.settings_of(path)
            groups.setdefault(id(own), (own, []))[1].append(path)
        self.groups = list(groups.values())
        """The files to check, by the settings they are checked with."""
        self.project_files = self._project_files(paths, file_filter, readable)
        shared = self._shared_files()
        self.runners = {id(own): Runner(own, use_cache=use_cache, jobs=jobs, shared=shared) for own, _ in self.groups}
        self.runner = self.runners[id(self.groups[0][0])] if self.groups else Runner(self.settings, use_cache, jobs, shared)

    def _project_files(self, paths: Sequence[Path], file_filter: FileFilter, readable) -> list[Path]:
        """Every file of the checked files' projects: calls are followed into the whole project."""
        following = [own for own, _ in self.groups if own.follow_imports]
        if not following:
            return []
        roots = sorted({own.root for own in following if own.root is not None and own.root.is_dir()})
        named = [p.resolve() for p in paths if p.is_dir()]
        walked = [root for root in roots if not any(root.is_relative_to(folder) for folder in named)]
        extra = [f for f in discover(walked, file_filter) if readable is None or readable(f)] if walked else []
        return [*self.files, *extra]

    def _shared_files(self) -> SharedFiles:
        """One module map and index for the run, each file named from its own project root."""
        modules: dict[str, Path] = {}
        by_folder: dict[Path, AnalysisOptions] = {}
        seen = {id(own): own for own, _ in self.groups}
        for path in self.project_files:
            own = self.settings_of(path)
            seen.setdefault(id(own), own)
            modules.setdefault(module_name_for(path, own.root)[0], path)
            by_folder.setdefault(path.parent, own.options)
        # A cached result depends on the settings the other files were summarised with, too.
        salt = "\n".join(sorted(own.fingerprint() for own in seen.values())) if len(seen) > 1 else ""
        return SharedFiles(modules, FolderOptions(by_folder, self.settings.options), salt)

    def run(self, progress: Callable[[int, int], None] | None = None) -> list[FileOutcome]:
        total = len(self.files)
        outcomes: dict[Path, FileOutcome] = {}
        for own, files in self.groups:
            done = len(outcomes)
            step = (lambda n, _t, done=done: progress(done + n, total)) if progress is not None else None
            for outcome in self.runners[id(own)].run(files, step, self.project_files):
                outcomes[outcome.path] = outcome
        return [outcomes[p] for p in self.files if p in outcomes]

    def findings(self, outcome: FileOutcome) -> list[Finding]:
        """The outcome's findings less those ``per-file-ignores`` silences."""
        return self.settings_of(outcome.path).without_ignored(outcome.path, outcome.findings)

    def unsafe_fixes(self, path: Path) -> bool:
        """Whether the file's own settings (``unsafe-fixes``, or ``--unsafe-fixes`` over them) allow unsafe fixes."""
        return self.settings_of(path).unsafe_fixes

    def reported(self, outcomes: Sequence[FileOutcome], unsafe: bool | None = None) -> list[Reported]:
        """``unsafe``: whether unsafe fixes count as fixable; None: as each file's settings say."""
        reported = []
        for outcome in outcomes:
            own = self.settings_of(outcome.path)
            allow = own.unsafe_fixes if unsafe is None else unsafe
            reported += [Reported(outcome.path, f, own.severity_of(f.code), allowed(f.fix, allow)) for f in self.findings(outcome)]
        return reported

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

        settings = self.settings_of(outcome.path)
        runner = self.runners.get(id(settings), self.runner)

        def analyse(text: str) -> list[Finding]:
            found = settings.without_ignored(
                outcome.path, analyse_source(outcome.path, text, runner.engine, settings, runner.index).findings
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

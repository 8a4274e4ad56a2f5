"""Analyse many files: in parallel across cores, through the result cache.

Work is split by file; each worker process builds its engine and its own
workspace index once, and summarises the other files it needs on demand. A
cached result is reused while its file and every file its findings used
(recorded by the index) are unchanged. Small runs stay in one process,
where starting workers would cost more than it saves.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..analysis.findings import Finding, finding_from_tuple, finding_to_tuple
from ..analysis.options import AnalysisOptions
from ..analysis.names.modules import content_digest, module_name_for
from ..config import Settings
from .cache import Entry, ResultCache

if TYPE_CHECKING:
    from ..analysis.engine.dispatch import Engine
    from ..analysis.workspace.index import WorkspaceIndex

PARALLEL_MIN_BYTES = 400_000
INFERENCE_BUDGET_S = 1.0


@dataclass(slots=True)
class FileOutcome:
    path: Path
    findings: list[Finding] = field(default_factory=list)
    problem: str | None = None
    """Why the file was not analysed (not UTF-8, binary, too large, unreadable)."""
    rule_errors: list[str] = field(default_factory=list)
    lines: int = 0
    deps: tuple[tuple[str, bytes], ...] = ()


def build_engine(settings: Settings) -> Engine:
    # Imported here: a run answered from the cache never needs the analysis.
    from ..analysis.engine.dispatch import Engine
    from ..rules import ALL_RULES

    return Engine([rule() for rule in ALL_RULES if rule.code in settings.enabled_codes])


def build_index(
    files: dict[str, Path] | None, settings: Settings, options_for: FolderOptions | None = None
) -> WorkspaceIndex | None:
    if not files or not settings.follow_imports:
        return None
    from ..analysis.workspace.index import WorkspaceIndex

    return WorkspaceIndex(files, settings.options, options_for=options_for)


@dataclass(slots=True)
class FolderOptions:
    """Each file's analysis options, by its folder: a helper is summarised with its own project's settings.

    Plain data, so worker processes get it whole however they start.
    """

    by_folder: dict[Path, AnalysisOptions]
    default: AnalysisOptions

    def __call__(self, path: Path | str) -> AnalysisOptions:
        return self.by_folder.get(Path(path).parent, self.default)


@dataclass(slots=True)
class SharedFiles:
    """The run's module map and workspace index, one for every group of files checked with their own settings."""

    modules: dict[str, Path]
    options_for: FolderOptions | None = None
    salt: str = ""
    """What else the cached results depend on: the other groups' settings."""
    index: WorkspaceIndex | None = None


def _pack(outcome: FileOutcome) -> tuple:
    return (outcome.problem, outcome.lines, tuple(finding_to_tuple(f) for f in outcome.findings))


def _unpack(path: Path, entry: Entry) -> FileOutcome:
    problem, lines, findings = entry.outcome
    return FileOutcome(path, [finding_from_tuple(t) for t in findings], problem, [], lines, entry.deps)


def decode_source(data: bytes, max_size: int) -> tuple[str | None, str | None]:
    """The file's text, or why it cannot be analysed."""
    if len(data) > max_size:
        return None, f"skipped: {len(data):,} bytes is over the {max_size:,}-byte limit (`max-file-size`)"
    if b"\x00" in data:
        return None, "skipped: binary file (contains null bytes)"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        return None, f"skipped: not valid UTF-8 (byte {error.start}); fastapi-perf reads UTF-8 source only"


def build_inference(settings: Settings):
    if not settings.inference:
        return None
    from ..analysis.names.inference import Inference

    from ..user_dirs import jedi_cache

    return Inference(settings.root, eager=True, budget_s=INFERENCE_BUDGET_S, cache_folder=jedi_cache())


def analyse_source(
    path: Path, text: str, engine: Engine, settings: Settings, index: WorkspaceIndex | None = None, inference=None
) -> FileOutcome:
    from ..analysis.engine.file_analysis import analyse_text

    module, package = module_name_for(path, settings.root)
    if index is None:
        result = analyse_text(text, engine, settings.options, module, package, str(path), inference=inference)
        deps: tuple[tuple[str, bytes], ...] = ()
    else:
        with index.recording() as consulted:
            result = analyse_text(text, engine, settings.options, module, package, str(path), index=index, inference=inference)
        consulted.discard(module)
        deps = tuple(
            sorted((str(index.files[m]), index.digests[m]) for m in consulted if m in index.digests and m in index.files)
        )
    errors = [f"rule {e.code} failed on line {e.line + 1}: {type(e.error).__name__}: {e.error}" for e in result.rule_errors]
    return FileOutcome(path, result.findings, None, errors, text.count("\n") + 1, deps)


_WORKER: tuple | None = None


def _init_worker(settings: Settings, files: dict[str, Path] | None, options_for: FolderOptions | None = None) -> None:
    global _WORKER
    _WORKER = (build_engine(settings), settings, build_index(files, settings, options_for), build_inference(settings))
    _collect_less()


def _collect_less() -> tuple[int, int, int]:
    """Fewer garbage collections while analysing; returns the thresholds to restore.

    Each file's trees are freed explicitly once analysed (``analyse_text``),
    so little garbage is left for the collector; at the default thresholds
    it still ran thousands of times over the freshly parsed trees, and the
    full collections over the growing workspace index took a third of a
    whole-tree run (docs/performance.md has the profile). Modules and rules
    loaded so far are frozen out of collections.
    """
    previous = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    gc.freeze()
    return previous


def _analyse_in_worker(job: tuple[Path, bytes]) -> FileOutcome:
    assert _WORKER is not None
    engine, settings, index, inference = _WORKER
    path, data = job
    text, problem = decode_source(data, settings.max_file_size)
    if text is None:
        return FileOutcome(path, problem=problem)
    try:
        return analyse_source(path, text, engine, settings, index, inference)
    except Exception as error:  # a bug of ours must cost one file, not the run
        detail = f"{type(error).__name__}: {error}"
        return FileOutcome(path, problem=f"skipped: internal error ({detail}); please report it with this file")


class Runner:
    def __init__(
        self, settings: Settings, use_cache: bool = True, jobs: int | None = None, shared: SharedFiles | None = None
    ) -> None:
        """``shared``: the module map and index of a run whose files are checked in groups (ProjectCheck)."""
        self.settings = settings
        self.shared = shared
        self._engine: Engine | None = None
        self._index: WorkspaceIndex | None = None
        self.files: dict[str, Path] | None = None
        self.use_cache = use_cache
        self.cache: ResultCache | None = None
        self.jobs = jobs or os.cpu_count() or 1
        self._digests: dict[str, bytes | None] = {}

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = build_engine(self.settings)
        return self._engine

    @property
    def index(self) -> WorkspaceIndex | None:
        shared = self.shared
        if shared is not None:
            if shared.index is None:
                shared.index = build_index(self.files, self.settings, shared.options_for)
            return shared.index if self.settings.follow_imports else None
        if self._index is None:
            self._index = build_index(self.files, self.settings)
        return self._index

    def run(
        self,
        paths: Sequence[Path],
        progress: Callable[[int, int], None] | None = None,
        project_files: Sequence[Path] | None = None,
    ) -> list[FileOutcome]:
        """Analyse ``paths``; calls are followed into ``project_files`` (default: ``paths``)."""
        layout = ""
        if self.settings.follow_imports:
            if self.shared is not None:
                self.files = self.shared.modules
            else:
                self.files = {}
                for path in [*paths, *(project_files or ())]:
                    module, _ = module_name_for(path, self.settings.root)
                    self.files.setdefault(module, path)
            # A file added or removed can change what others resolve to.
            salt = self.shared.salt if self.shared is not None else ""
            layout = content_digest("\n".join([*sorted(self.files), salt]).encode()).hex()[:12]
        if self.use_cache:
            self.cache = ResultCache(self.settings.root or Path.cwd(), f"{self.settings.fingerprint()}-{layout or 'single'}")
        outcomes: dict[Path, FileOutcome] = {}
        todo: list[tuple[Path, bytes, str, object, bytes]] = []
        for path in paths:
            key = str(path)
            try:
                stat = path.stat()
            except OSError as error:
                outcomes[path] = FileOutcome(path, problem=f"skipped: cannot read ({error.strerror or error})")
                continue
            if self.cache is not None:
                entry = self.cache.lookup(key, stat)
                if entry is not None and self._deps_unchanged(entry):
                    outcomes[path] = _unpack(path, entry)
                    continue
            try:
                data = path.read_bytes()
            except OSError as error:
                outcomes[path] = FileOutcome(path, problem=f"skipped: cannot read ({error.strerror or error})")
                continue
            digest = content_digest(data)
            if self.cache is not None:
                entry = self.cache.by_digest(key, digest)
                if entry is not None and self._deps_unchanged(entry):
                    outcomes[path] = _unpack(path, entry)
                    self.cache.store(key, Entry(stat.st_mtime_ns, stat.st_size, digest, entry.outcome, entry.deps))
                    continue
            todo.append((path, data, key, stat, digest))
        pending = {path: (key, stat, digest) for path, _data, key, stat, digest in todo}
        jobs = [(path, data) for path, data, *_ in todo]
        for outcome in self._analyse(jobs, len(outcomes), len(paths), progress):
            outcomes[outcome.path] = outcome
            key, stat, digest = pending[outcome.path]
            if self.cache is not None and not outcome.rule_errors:
                self.cache.store(key, Entry(stat.st_mtime_ns, stat.st_size, digest, _pack(outcome), outcome.deps))
        if self.cache is not None:
            self.cache.save()
        return [outcomes[p] for p in paths if p in outcomes]

    def _deps_unchanged(self, entry: Entry) -> bool:
        return all(self._digest_of(path) == digest for path, digest in entry.deps)

    def _digest_of(self, path: str) -> bytes | None:
        """A file's content hash, from the cache when its size and time are unchanged."""
        if path in self._digests:
            return self._digests[path]
        digest = None
        try:
            stat = os.stat(path)
            cached = self.cache.lookup(path, stat) if self.cache is not None else None
            digest = cached.digest if cached is not None else content_digest(Path(path).read_bytes())
        except OSError:
            digest = None
        self._digests[path] = digest
        return digest

    def _analyse(self, jobs, done, total, progress):
        size = sum(len(data) for _, data in jobs)
        if self.jobs > 1 and len(jobs) > 1 and size >= PARALLEL_MIN_BYTES:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
            with ProcessPoolExecutor(
                min(self.jobs, len(jobs)), mp_context=context, initializer=_init_worker,
                initargs=(self.settings, self.files, self.shared.options_for if self.shared is not None else None),
            ) as pool:
                chunk = max(1, min(16, len(jobs) // (self.jobs * 4) or 1))
                # Largest files first, so one big file does not finish alone at the end.
                ordered = sorted(jobs, key=lambda job: -len(job[1]))
                for outcome in pool.map(_analyse_in_worker, ordered, chunksize=chunk):
                    done += 1
                    if progress:
                        progress(done, total)
                    yield outcome
            return
        if not jobs:
            return
        global _WORKER
        _WORKER = (self.engine, self.settings, self.index, build_inference(self.settings))
        previous = _collect_less()
        try:
            for job in jobs:
                outcome = _analyse_in_worker(job)
                done += 1
                if progress:
                    progress(done, total)
                yield outcome
        finally:
            gc.unfreeze()
            gc.set_threshold(*previous)

"""Static findings joined with what the tests saw: findings + report -> findings.

Pure: files are read through the ``read`` function the caller passes (the
CLI reads the disk, the language server can pass its open documents), so
the same join serves both.

- A blocking finding (category 1) whose line the tests saw block says so
  in its message and carries :class:`RuntimeEvidence`. A transitive
  finding (reported at the call in the ``async def``, its chain ending at
  the blocking call) matches a site at the end of its chain when the tests
  reached that site from the finding's line.
- A site no static finding covers becomes a finding of its own, marked as
  observed at run time, with the chain from the stack.
- A finding the tests exercised without a stall is left as it is: the
  report lists what blocked, not what ran.
- A file that changed after the tests ran makes its evidence stale: it is
  still shown, and says so.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from ..analysis.findings import Finding, Position, Range, Related, RuntimeEvidence
from ..analysis.source.noqa import collect
from ..analysis.source.scanner import directive_comments
from .report import RuntimeReport, Site
from .table import format_ms

JOINED_CATEGORY = "FAP1"
"""Only blocking findings are joined: the runtime sites are all of that category."""
TESTS_SHOWN = 3


class _Sources:
    def __init__(self, read: Callable[[Path], bytes | None], modified: Callable[[Path], float | None]) -> None:
        self.read = read
        self.modified = modified
        self._lines: dict[Path, list[str] | None] = {}
        self._digests: dict[Path, str | None] = {}

    def lines(self, path: Path) -> list[str] | None:
        if path not in self._lines:
            data = self.read(path)
            try:
                self._lines[path] = data.decode("utf-8").splitlines() if data is not None else None
            except UnicodeDecodeError:
                self._lines[path] = None
            self._digests[path] = hashlib.sha256(data).hexdigest() if data is not None else None
        return self._lines[path]

    def digest(self, path: Path) -> str | None:
        self.lines(path)
        return self._digests[path]


def join(
    findings: Mapping[Path, Sequence[Finding]],
    report: RuntimeReport,
    base: Path,
    read: Callable[[Path], bytes | None],
    modified: Callable[[Path], float | None] = lambda path: None,
    enabled: Container[str] | None = None,
) -> dict[Path, list[Finding]]:
    """The findings of each file with the report's evidence added.

    ``base`` is the folder the report's relative paths start from; a site
    becomes a finding only in a file of ``findings`` (one being checked)
    and only with a code in ``enabled``.
    """
    sources = _Sources(read, modified)
    resolve = _Resolver()
    at: dict[tuple[Path, int], list[Site]] = {}
    callers: dict[int, set[tuple[Path, int]]] = {}
    for site in report.sites:
        at.setdefault((resolve(base / site.path), site.line), []).append(site)
        callers[id(site)] = {(resolve(base / path), line) for path, line in site.callers}
    stale = _Staleness(report, base, sources, resolve)
    covered: set[int] = set()
    result: dict[Path, list[Finding]] = {}
    checked: dict[Path, Path] = {}
    for path, items in findings.items():
        here = resolve(path)
        checked[here] = path
        joined = []
        for finding in items:
            sites = _sites_of(finding, here, at, callers, resolve)
            if sites:
                covered.update(id(s) for s in sites)
                finding = _merged(finding, sites, stale(here) or any(stale(resolve(base / s.path)) for s in sites))
            joined.append(finding)
        result[path] = joined
    for site in report.sites:
        if id(site) in covered or (enabled is not None and site.code not in enabled):
            continue
        here = resolve(base / site.path)
        if here not in checked:
            continue
        finding = _observed_only(site, here, report, base, sources, resolve, stale(here))
        if finding is not None:
            result[checked[here]].append(finding)
    for items in result.values():
        items.sort(key=lambda f: (f.range.start, f.code or ""))
    return result


def _sites_of(finding: Finding, here: Path, at, callers, resolve) -> list[Site]:
    if not (finding.code or "").startswith(JOINED_CATEGORY):
        return []
    line = finding.range.start.line + 1
    sites = list(at.get((here, line), ()))
    if finding.related:
        end = finding.related[-1]
        target = (resolve(Path(end.path)) if end.path else here, end.range.start.line + 1)
        if target != (here, line):
            sites += [s for s in at.get(target, ()) if (here, line) in callers[id(s)]]
    return sites


def evidence(sites: Sequence[Site], observed_only: bool = False, stale: bool = False) -> RuntimeEvidence:
    tests = tuple(dict.fromkeys(t for s in sites for t in s.tests))
    return RuntimeEvidence(
        stalls=sum(s.stalls for s in sites),
        total_ms=sum(s.total_ms for s in sites),
        max_ms=max((s.max_ms for s in sites), default=0.0),
        tests=tests,
        observed_only=observed_only,
        stale=stale,
    )


def observed_text(runtime: RuntimeEvidence) -> str:
    """``observed: 14 stalls, max 212 ms, in tests/api/test_users.py::test_list``"""
    text = f"observed: {runtime.stalls} stall{'s' if runtime.stalls != 1 else ''}, max {format_ms(runtime.max_ms)} ms"
    if runtime.tests:
        text += f", in {runtime.tests[0]}"
        if len(runtime.tests) > 1:
            text += f" and {len(runtime.tests) - 1} more test{'s' if len(runtime.tests) > 2 else ''}"
    if runtime.stale:
        text += "; stale: the file changed after the tests ran"
    return text


def _merged(finding: Finding, sites: Sequence[Site], stale: bool) -> Finding:
    runtime = evidence(sites, stale=stale)
    return replace(finding, message=f"{finding.message} ({observed_text(runtime)})", runtime=runtime)


def _observed_only(
    site: Site, here: Path, report: RuntimeReport, base: Path, sources: _Sources, resolve, stale: bool
) -> Finding | None:
    lines = sources.lines(here)
    if lines is None or site.line > len(lines):
        return None
    suppressions = collect((c.line, c) for c in directive_comments("\n".join(lines)))
    if suppressions.suppresses(site.code, site.line - 1):
        return None
    runtime = evidence([site], observed_only=True, stale=stale)
    function = f" in `{site.function}`" if site.function else ""
    if site.calls:
        what = ", ".join(f"`{c}()`" for c in site.calls)
        message = f"{what} blocked the event loop{function} when the tests ran; static analysis did not see this call"
    else:
        message = f"The event loop stalled{function} when the tests ran, with no blocking I/O seen (CPU-bound work)"
    related = []
    for step, next_step in zip(site.chain, site.chain[1:]):
        step_path = resolve(base / step.path)
        related.append(Related(
            f"`{step.function}` calls `{next_step.function}` here",
            _line_range(sources.lines(step_path), step.line),
            None if step_path == here else str(step_path),
        ))
    for test in runtime.tests[:TESTS_SHOWN]:
        location = report.tests.get(test)
        if location is not None:
            test_path = resolve(base / location.path)
            related.append(Related(f"observed in `{test}`", _line_range(sources.lines(test_path), location.line), str(test_path)))
    return Finding(
        site.code,
        f"{message} ({observed_text(runtime)})",
        _line_range(lines, site.line),
        related=tuple(related),
        runtime=runtime,
    )


def _line_range(lines: list[str] | None, line: int) -> Range:
    """The code on a 1-based line, without its indentation."""
    text = lines[line - 1] if lines is not None and 0 < line <= len(lines) else ""
    start = len(text) - len(text.lstrip())
    return Range(Position(line - 1, start), Position(line - 1, len(text.rstrip())))


class _Staleness:
    """A file is stale when it changed after the report was written.

    The report records each file's SHA-256: a file whose content still
    matches is current whatever its modification time says (a checkout
    touches files without changing them); a file the report has no digest
    for is judged by its modification time.
    """

    def __init__(self, report: RuntimeReport, base: Path, sources: _Sources, resolve) -> None:
        self.created = report.created.timestamp()
        self.digests = {resolve(base / path): digest for path, digest in report.files.items()}
        self.sources = sources
        self._known: dict[Path, bool] = {}

    def __call__(self, path: Path) -> bool:
        known = self._known.get(path)
        if known is None:
            known = self._known[path] = self._stale(path)
        return known

    def _stale(self, path: Path) -> bool:
        recorded = self.digests.get(path)
        if recorded is not None:
            current = self.sources.digest(path)
            return current is not None and current != recorded
        modified = self.sources.modified(path)
        return modified is not None and modified > self.created


class _Resolver:
    def __init__(self) -> None:
        self._cache: dict[Path, Path] = {}

    def __call__(self, path: Path) -> Path:
        resolved = self._cache.get(path)
        if resolved is None:
            resolved = self._cache[path] = Path(os.path.realpath(path))
        return resolved

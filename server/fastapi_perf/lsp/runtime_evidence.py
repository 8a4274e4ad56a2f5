"""Runtime evidence in the editor: ``fastapi-perf-runtime.json`` joined into diagnostics.

The report at the project root (the document's settings root, else the
workspace folder) is loaded once and cached; a watched-file notice about
it drops the cache and the open documents are checked again. The join is
the CLI's (``runtime/join.py``), with the open buffers as the sources, so a
buffer edited since the tests ran makes its evidence stale.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from lsprotocol import types

from ..analysis.findings import Finding, Position, Range, Related
from ..runtime.checking import report_base
from ..runtime.join import TESTS_SHOWN, join
from ..runtime.report import DEFAULT_NAME, ReportError, RuntimeReport, load
from .documents import OpenDocument, path_of
from .session import FastApiPerfServer

_MISSING = object()
_FILES: dict[Path, tuple[RuntimeReport, frozenset[str]]] = {}
"""Per report base: the report and the real paths of the files its sites are in or reached from."""


def report_path(ls: FastApiPerfServer, doc: OpenDocument) -> Path | None:
    root = doc.settings.root
    if root is None:
        folder = ls.workspace.root_path if ls.workspace is not None else None
        root = Path(folder) if folder else None
    return root / DEFAULT_NAME if root is not None else None


def loaded(ls: FastApiPerfServer, path: Path) -> RuntimeReport | None:
    """The report at ``path``, read once; None if there is none or it is malformed (logged once)."""
    cache = ls.runtime_reports
    report = cache.get(path, _MISSING)
    if report is _MISSING:
        report = None
        if path.is_file():
            try:
                report = load(path)
            except ReportError as error:
                ls.log(f"fastapi-perf: ignoring the runtime report {path}: {error}", types.MessageType.Warning)
        cache[path] = report
    return report


def joined(ls: FastApiPerfServer, doc: OpenDocument, findings: list[Finding]) -> list[Finding] | None:
    """The document's findings with the report's evidence, or None when no report applies."""
    if doc.path is None:
        return None
    path = report_path(ls, doc)
    report = loaded(ls, path) if path is not None else None
    if report is None:
        return None
    base = report_base(report, path, doc.settings.root)
    if os.path.realpath(doc.path) not in _files_of(report, base):
        return None  # nothing to join: the per-statement cache of diagnostics stays in use
    result = join({doc.path: findings}, report, base, read=lambda p: _read(ls, p), enabled=doc.settings.enabled_codes)[doc.path]
    return [_with_tests(f, report, base) if f.runtime is not None and not f.runtime.observed_only else f for f in result]


def _files_of(report: RuntimeReport, base: Path) -> frozenset[str]:
    """The files a site of the report is in or reached from (cached with the report)."""
    entry = _FILES.get(base)
    if entry is None or entry[0] is not report:  # the report is held here, so its identity stays its own
        paths = {s.path for s in report.sites} | {p for s in report.sites for p, _ in s.callers}
        entry = _FILES[base] = (report, frozenset(os.path.realpath(base / p) for p in paths))
    return entry[1]



def _with_tests(finding: Finding, report: RuntimeReport, base: Path) -> Finding:
    """A static finding the tests saw points to those tests (the join adds them to runtime-only ones)."""
    related = list(finding.related)
    for test in finding.runtime.tests[:TESTS_SHOWN]:
        location = report.tests.get(test)
        if location is not None:
            line = location.line - 1
            related.append(Related(f"observed in `{test}`", Range(Position(line, 0), Position(line, 0)), str(base / location.path)))
    return replace(finding, related=tuple(related))


def _read(ls: FastApiPerfServer, path: Path) -> bytes | None:
    uri = path.as_uri()
    for doc in ls.documents.values():
        if doc.uri == uri or (doc.path is not None and doc.path.resolve() == path):
            return doc.document.text.encode("utf-8")
    try:
        return path.read_bytes()
    except OSError:
        return None


def is_report(uri: str) -> bool:
    path = path_of(uri)
    return path is not None and path.name == DEFAULT_NAME


def forget(ls: FastApiPerfServer) -> None:
    """The report changed on disk: read it again when next asked."""
    ls.runtime_reports.clear()


def evidence_at(ls: FastApiPerfServer, doc: OpenDocument, line: int):
    """The runtime evidence of the findings on a 0-based line (for hover)."""
    analysis = doc.current or doc.latest()
    findings = joined(ls, doc, doc.shown(analysis.findings)) or []
    return [f for f in findings if f.runtime is not None and f.range.start.line <= line <= f.range.end.line]

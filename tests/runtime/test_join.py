"""The join as a pure function: static findings + a report -> findings."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

from fastapi_perf.analysis.findings import Finding, Position, Range, Related
from fastapi_perf.runtime.join import join
from fastapi_perf.runtime.report import RuntimeReport, Site, Step, TestLocation

ROUTES = """import time
from .helpers import settle


async def route():
    settle()
    return {}


async def other():
    settle()
"""
HELPERS = """import time


def settle():
    time.sleep(0.1)  # noqa: FAP999
"""
CREATED = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _site(path: str, line: int, code: str = "FAP103", callers=(), chain=None, calls=("time.sleep",)) -> Site:
    return Site(
        path=path, line=line, function="settle", code=code, stalls=3, total_ms=300.0, max_ms=120.0,
        tests=["tests/test_a.py::test_route"], calls=list(calls),
        chain=chain or [Step(path, line, "settle")], callers=list(callers),
    )


def _report(sites, files=None) -> RuntimeReport:
    return RuntimeReport(
        created=CREATED, rootdir="/nowhere", threshold_ms=10.0, detector={"name": "aiocop", "version": "1.2.1"},
        sites=sites, tests={"tests/test_a.py::test_route": TestLocation("tests/test_a.py", 4)},
        files=files or {}, ignored={}, tests_run=1,
    )


def _finding(code: str, line: int, related: tuple[Related, ...] = ()) -> Finding:
    return Finding(code, f"{code} here", Range(Position(line - 1, 4), Position(line - 1, 12)), related=related)


def _files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "app").mkdir()
    routes, helpers = tmp_path / "app" / "routes.py", tmp_path / "app" / "helpers.py"
    routes.write_text(ROUTES, encoding="utf-8")
    helpers.write_text(HELPERS, encoding="utf-8")
    return routes, helpers


def _join(findings, report, base, **kwargs):
    return join(findings, report, base, read=lambda p: p.read_bytes() if p.exists() else None, **kwargs)


def test_a_transitive_finding_matches_the_site_it_was_reached_from(tmp_path) -> None:
    routes, helpers = _files(tmp_path)
    chain_end = (Related("`settle` calls `time.sleep` here", Range(Position(4, 4), Position(4, 19)), str(helpers)),)
    static = {routes: [_finding("FAP103", 6, chain_end), _finding("FAP103", 11, chain_end)], helpers: []}
    site = _site("app/helpers.py", 5, callers=[("app/routes.py", 6)])
    joined = _join(static, _report([site]), tmp_path)
    first, second = joined[routes]
    assert first.runtime.stalls == 3 and first.runtime.max_ms == 120.0
    assert first.message == "FAP103 here (observed: 3 stalls, max 120 ms, in tests/test_a.py::test_route)"
    assert second.runtime is None  # `other` never reached it in the tests
    assert joined[helpers] == []  # covered by the route's finding: no second finding at the sleep


def test_an_uncovered_site_becomes_a_finding_at_its_line(tmp_path) -> None:
    routes, helpers = _files(tmp_path)
    site = _site("app/helpers.py", 5, chain=[Step("app/routes.py", 6, "route"), Step("app/helpers.py", 5, "settle")])
    joined = _join({routes: [], helpers: []}, _report([site]), tmp_path)
    [finding] = joined[helpers]
    assert finding.code == "FAP103"
    assert finding.range == Range(Position(4, 4), Position(4, 35))  # the code of the line, without indentation
    assert finding.message.startswith("`time.sleep()` blocked the event loop in `settle` when the tests ran")
    assert finding.runtime.observed_only
    assert [(r.message, r.path, r.range.start.line) for r in finding.related] == [
        ("`route` calls `settle` here", str(routes.resolve()), 5),
        ("observed in `tests/test_a.py::test_route`", str((tmp_path / "tests" / "test_a.py").resolve()), 3),
    ]


def test_only_blocking_findings_are_joined(tmp_path) -> None:
    routes, _ = _files(tmp_path)
    site = _site("app/routes.py", 6)
    joined = _join({routes: [_finding("FAP201", 6)]}, _report([site]), tmp_path)
    assert [(f.code, f.runtime is not None) for f in joined[routes]] == [("FAP103", True), ("FAP201", False)]


def test_disabled_codes_unchecked_files_and_noqa(tmp_path) -> None:
    routes, helpers = _files(tmp_path)
    report = _report([_site("app/routes.py", 6), _site("app/helpers.py", 5, code="FAP999")])
    assert _join({routes: []}, report, tmp_path, enabled={"FAP105"}) == {routes: []}
    assert _join({helpers: []}, report, tmp_path)[helpers] == []  # the line says noqa for FAP999
    assert [f.code for f in _join({routes: []}, report, tmp_path)[routes]] == ["FAP103"]


def test_a_stall_without_a_call(tmp_path) -> None:
    routes, _ = _files(tmp_path)
    [finding] = _join({routes: []}, _report([_site("app/routes.py", 6, code="FAP105", calls=())]), tmp_path)[routes]
    assert finding.message.startswith("The event loop stalled in `settle` when the tests ran, with no blocking I/O seen")


def test_staleness_by_content_then_by_time(tmp_path) -> None:
    routes, _ = _files(tmp_path)
    digest = hashlib.sha256(routes.read_bytes()).hexdigest()
    report = _report([_site("app/routes.py", 6)], files={"app/routes.py": digest})
    later = CREATED.timestamp() + 60
    fresh = _join({routes: [_finding("FAP103", 6)]}, report, tmp_path, modified=lambda p: later)
    assert not fresh[routes][0].runtime.stale  # same content, whatever the time says
    routes.write_text(ROUTES + "\n", encoding="utf-8")
    changed = _join({routes: [_finding("FAP103", 6)]}, report, tmp_path)
    assert changed[routes][0].runtime.stale
    assert changed[routes][0].message.endswith("; stale: the file changed after the tests ran)")
    undigested = _report([_site("app/routes.py", 6)])
    assert _join({routes: []}, undigested, tmp_path, modified=lambda p: later)[routes][0].runtime.stale
    earlier = CREATED.timestamp() - 60
    assert not _join({routes: []}, undigested, tmp_path, modified=lambda p: earlier)[routes][0].runtime.stale


def test_a_site_past_the_end_of_a_changed_file_is_dropped(tmp_path) -> None:
    routes, _ = _files(tmp_path)
    assert _join({routes: []}, _report([_site("app/routes.py", 99)]), tmp_path) == {routes: []}

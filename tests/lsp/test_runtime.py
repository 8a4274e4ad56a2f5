"""Runtime evidence in the editor: ``fastapi-perf-runtime.json`` joined into diagnostics and hover."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime, timezone
from pathlib import Path

from lsprotocol import types

from fastapi_perf.runtime.report import DEFAULT_NAME, RuntimeReport, Site, TestLocation, write

from .conftest import APP
from .session import change, is_pull, next_publication, open_document

SLEEP_LINE = 10  # 1-based: ``time.sleep(1)`` in APP


def write_report(root: Path, stalls: int, max_ms: float, source: str = APP) -> Path:
    path = root / DEFAULT_NAME
    write(
        RuntimeReport(
            created=datetime.now(timezone.utc),
            rootdir=str(root),
            threshold_ms=50.0,
            detector={"name": "test"},
            sites=[Site("app.py", SLEEP_LINE, "root", "FAP103", stalls, stalls * max_ms, max_ms, ["tests/test_app.py::test_root"], ["time.sleep"], [])],
            tests={"tests/test_app.py::test_root": TestLocation("tests/test_app.py", 7)},
            files={"app.py": hashlib.sha256(source.encode()).hexdigest()},
            ignored={},
            tests_run=1,
        ),
        path,
    )
    return path


def report_changed(client, path: Path) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Changed)])
    )


async def until(client, uri: str, predicate) -> list[types.Diagnostic]:
    """The document's diagnostics once ``predicate`` holds: pushed, or pulled again until then."""
    if not is_pull(client):
        params = await next_publication(client, lambda p: p.uri == uri and predicate(list(p.diagnostics)))
        return list(params.diagnostics)
    for _ in range(200):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        items = list(getattr(report, "items", []) or [])
        if predicate(items):
            return items
        await asyncio.sleep(0.05)
    raise AssertionError("the expected diagnostics never arrived")


def sleep_message(items) -> str:
    return next((d.message for d in items if d.code == "FAP103"), "")


async def test_observed_suffix_follows_the_report_and_the_buffer(client) -> None:
    path = write_report(client.root, 3, 212.0)
    uri = open_document(client, APP)
    items = await until(client, uri, lambda ds: "observed:" in sleep_message(ds))
    assert "(observed: 3 stalls, max 212 ms, in tests/test_app.py::test_root)" in sleep_message(items)
    sleep = next(d for d in items if d.code == "FAP103")
    tests = [r for r in sleep.related_information or [] if "test_root" in r.message]
    assert tests and tests[0].location.uri == (client.root / "tests/test_app.py").as_uri()
    assert tests[0].location.range.start.line == 6

    write_report(client.root, 5, 480.0)
    report_changed(client, path)
    items = await until(client, uri, lambda ds: "observed: 5 stalls, max 480 ms" in sleep_message(ds))

    change(client, uri, 2, (0, 0), (0, 0), "# edited\n")
    items = await until(client, uri, lambda ds: "stale" in sleep_message(ds))
    assert "the file changed after the tests ran" in sleep_message(items)


async def test_a_malformed_report_leaves_the_static_diagnostics(vscode) -> None:
    client_root = vscode.root
    path = client_root / DEFAULT_NAME
    path.write_text("{not json")
    uri = open_document(vscode, APP)
    items = await until(vscode, uri, lambda ds: any(d.code == "FAP103" for d in ds))
    assert "observed" not in sleep_message(items)
    write_report(client_root, 2, 90.0)
    report_changed(vscode, path)
    await until(vscode, uri, lambda ds: "observed: 2 stalls, max 90 ms" in sleep_message(ds))
    path.write_text('{"version": 1}')
    report_changed(vscode, path)
    items = await until(vscode, uri, lambda ds: any(d.code == "FAP103" for d in ds) and "observed" not in sleep_message(ds))
    logged = [m.message for m in vscode.log_messages if DEFAULT_NAME in m.message]
    assert logged and all("ignoring the runtime report" in m for m in logged)


async def test_runtime_report_is_watched(vscode) -> None:
    await asyncio.sleep(0.2)
    globs = [
        w["globPattern"] if isinstance(w, dict) else w.glob_pattern
        for r in vscode.registrations
        if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        for w in (r.register_options["watchers"] if isinstance(r.register_options, dict) else r.register_options.watchers)
    ]
    assert "**/fastapi-perf-runtime.json" in globs


async def test_hover_gives_the_numbers(vscode) -> None:
    write_report(vscode.root, 4, 150.0)
    uri = open_document(vscode, APP)
    await until(vscode, uri, lambda ds: "observed:" in sleep_message(ds))
    result = await vscode.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(SLEEP_LINE - 1, 8))
    )
    assert result is not None
    text = result.contents.value
    assert "**FAP103**" in text
    assert "4 stalls, total 600 ms, max 150 ms" in text
    assert "`tests/test_app.py::test_root`" in text


async def test_a_site_no_finding_covers_is_a_diagnostic_of_its_code(vscode) -> None:
    text = APP.replace("    time.sleep(1)\n", "    compute()\n") + "\n\ndef compute():\n    return sum(range(10**8))\n"
    path = vscode.root / DEFAULT_NAME
    write(
        RuntimeReport(
            created=datetime.now(timezone.utc), rootdir=str(vscode.root), threshold_ms=50.0, detector={},
            sites=[Site("app.py", 15, "compute", "FAP105", 1, 70.0, 70.0, ["tests/test_app.py::test_root"], [], [])],
            tests={}, files={"app.py": hashlib.sha256(text.encode()).hexdigest()}, ignored={}, tests_run=1,
        ),
        path,
    )
    uri = open_document(vscode, text)
    items = await until(vscode, uri, lambda ds: any("when the tests ran" in d.message for d in ds))
    observed = next(d for d in items if "when the tests ran" in d.message)
    assert observed.code == "FAP105" and observed.range.start.line == 14
    assert "observed: 1 stall, max 70 ms" in observed.message

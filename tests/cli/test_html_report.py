"""``check --output-format html``: the page is rendered in headless Chromium and read back.

The demo's report must show every finding, worst scope first, with its
excerpt, call chain, fix diff and rule link, load nothing from anywhere and
log no console error; code and messages are escaped; runtime evidence shows
only where a finding carries it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi_perf.checker.project_check import ProjectCheck
from fastapi_perf.config import load_settings
from fastapi_perf.report import html
from fastapi_perf.rules import BY_CODE

from .browser import open_page
from .conftest import fastapi_perf
from .test_check import demo_expectations


def _scope_ranks(page) -> list[tuple[int, int, int]]:
    """(errors, warnings, findings) of each scope, in page order."""
    ranks = []
    for scope in page.query_selector_all("article.scope"):
        severities = [f.get_attribute("data-severity") for f in scope.query_selector_all(".finding")]
        ranks.append((severities.count("error"), severities.count("warning"), len(severities)))
    return ranks


def test_demo_report_in_chromium(demo: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    run = fastapi_perf("check", ".", "--output-format", "html", "--output-file", str(report), "--no-cache", cwd=demo)
    assert run.returncode == 1, run.stderr
    assert run.stdout == ""
    expected = demo_expectations(demo)

    with open_page(report, tmp_path / "profile") as (page, log):
        assert page.title() == f"fastapi-perf: {len(expected)} findings"
        findings = page.query_selector_all(".finding")
        assert len(findings) == len(expected)
        assert sorted(f.get_attribute("data-code") for f in findings) == sorted(code for *_, code in expected)
        found = set()
        for finding in findings:
            where = finding.query_selector(".head .loc").inner_text()
            path, line, _column = where.rsplit(":", 2)
            found.add((path, int(line), finding.get_attribute("data-code")))
        assert found == expected

        # Worst first: no scope has more errors, then more warnings, then more findings than one above it.
        ranks = _scope_ranks(page)
        assert ranks == sorted(ranks, reverse=True)
        assert page.inner_text("article.scope >> nth=0").startswith("GET /ready")  # FAP108 is the demo's one error

        # The chart: one bar segment per rule found, and its counts add up.
        segments = page.query_selector_all("#chart svg rect.segment")
        assert {s.get_attribute("data-code") for s in segments} == {code for *_, code in expected}
        assert page.text_content("#chart svg title >> nth=0").startswith(f"{len(expected)} findings")
        rows = page.query_selector_all("#rules tbody tr")
        assert sum(int(r.query_selector("td:nth-child(4)").inner_text()) for r in rows) == len(expected)

        # Each finding links to its rule page, the URL the language server sends as codeDescription.href.
        for finding in findings:
            code = finding.get_attribute("data-code")
            assert finding.query_selector("a.rule").get_attribute("href") == BY_CODE[code].url()

        # An excerpt marks the flagged code; a chain crosses files; a fix is a diff.
        sleep = page.query_selector('.finding[data-code="FAP103"]')
        assert sleep.query_selector(".excerpt .hit mark").inner_text() == "time.sleep(0.05)"
        assert "+    await asyncio.sleep(0.05)" in sleep.query_selector(".diff").inner_text()
        assert "-    time.sleep(0.05)" in sleep.query_selector(".diff").inner_text()
        orm = page.query_selector('.scope:has-text("GET /products ") .finding[data-code="FAP101"]')
        chain = orm.query_selector("details.chain")
        assert "across 2 files" in chain.query_selector("summary").inner_text()
        step = chain.query_selector("li").inner_text()
        assert step.startswith("shop/repository.py:8:12") and "Session.execute" in step
        assert "db.execute(text(" in chain.query_selector("li .hit mark").inner_text()

        # No runtime report was joined: no runtime section anywhere.
        assert page.query_selector(".runtime-evidence") is None
        assert "stalled" not in page.inner_text("#summary .cards")

        # The filter narrows the findings and hides scopes left empty.
        assert page.inner_text("#shown") == f"{len(expected)} of {len(expected)} shown"
        page.fill("#filter", "fap103")
        assert page.inner_text("#shown") == f"1 of {len(expected)} shown"
        assert len(page.query_selector_all("article.scope:not(.hidden)")) == 1
        page.click('#rules tr.rule-row[data-code="FAP104"] td:nth-child(2)')
        assert page.input_value("#filter") == "FAP104"
        assert page.inner_text("#shown") == f"2 of {len(expected)} shown"

        assert log.errors == []
        assert log.requests == [report.resolve().as_uri()]


def test_code_and_messages_are_escaped(project, tmp_path: Path) -> None:
    hostile = '"<script>alert(1)</script><img src=x onerror=alert(2)>"'
    root = project({
        "app.py": (
            "import time\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
            f'@app.get("/<b>{{x}}</b>")\nasync def handler():\n    time.sleep(1); note = {hostile}\n    return {{}}\n'
        ),
    })
    report = tmp_path / "report.html"
    run = fastapi_perf("check", ".", "--output-format", "html", "-o", str(report), "--no-cache", cwd=root)
    assert run.returncode == 1, run.stderr
    text = report.read_text(encoding="utf-8")
    assert text.count("<script>") == 1  # ours
    assert "<img" not in text and "<b>{x}" not in text
    with open_page(report, tmp_path / "profile") as (page, log):
        excerpt = page.inner_text('.finding[data-code="FAP103"] .excerpt .hit')
        assert hostile in excerpt
        assert page.inner_text("article.scope header").startswith("GET /<b>{x}</b>")
        assert log.errors == []


def _demo_reported(demo: Path):
    settings = load_settings(demo)
    check = ProjectCheck([demo], settings, use_cache=False)
    return check.reported(check.run(), unsafe=False)


def test_runtime_evidence_shows_where_a_finding_carries_it(demo: Path, tmp_path: Path) -> None:
    reported = _demo_reported(demo)
    sleep = next(r for r in reported if r.finding.code == "FAP103")
    sleep_runtime = {"stalls": 3, "total_ms": 615.0, "max_ms": 205.5, "tests": ["tests/test_catalog.py::test_product[<sku>]"]}
    strange = {"stalls": "many", "total_ms": float("nan"), "tests": object()}  # no stall recorded: hidden
    # A runtime attribute on the reported item (the way a join may attach it) is read without an adapter.
    items = [
        SimpleNamespace(path=r.path, finding=r.finding, severity=r.severity, fixable=r.fixable,
                        runtime=sleep_runtime if r is sleep else strange)
        for r in reported
    ]
    page_text = html.render(items, demo)
    assert page_text.count('class="runtime-evidence"') == 1
    assert "&lt;sku&gt;" in page_text and "[<sku>]" not in page_text
    report = tmp_path / "report.html"
    report.write_text(page_text, encoding="utf-8")
    with open_page(report, tmp_path / "profile") as (page, log):
        first = page.query_selector("article.scope")
        assert first.query_selector("header").inner_text().startswith("GET /products/{sku}")  # observed stalls rank first
        assert "615 ms stalled in tests" in first.query_selector("header").inner_text()
        evidence = page.inner_text(".finding[data-code='FAP103'] .runtime-evidence")
        assert "Event-loop stalls\n3" in evidence and "615.0 ms" in evidence and "205.5 ms" in evidence
        assert "tests/test_catalog.py::test_product[<sku>]" in evidence
        assert "1\nstalled in tests" in page.inner_text("#summary .cards")
        assert log.errors == []


def test_runtime_evidence_with_only_a_test_count() -> None:
    from fastapi_perf.report.evidence import evidence_from
    from fastapi_perf.report.html_finding import runtime_html

    found = evidence_from({"stalls": 2, "total_ms": 90, "max_ms": 60, "tests": 4})
    assert found is not None and found.test_count == 4 and found.tests == ()
    assert "4 tests" in runtime_html(found)
    assert evidence_from({"stalls": 0, "total_ms": 10}) is None
    assert evidence_from(None) is None and evidence_from(["stalls"]) is None


def test_clean_project_report(project, tmp_path: Path) -> None:
    root = project({"app.py": "def f():\n    return 1\n"})
    run = fastapi_perf("check", ".", "--output-format", "html", "--no-cache", cwd=root)
    assert run.returncode == 0, run.stderr
    assert "All checks passed!" in run.stdout and 'class="finding"' not in run.stdout


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github", "html"])
def test_output_file_holds_what_stdout_would(demo: Path, tmp_path: Path, output_format: str) -> None:
    target = tmp_path / f"report.{output_format}"
    to_file = fastapi_perf("check", ".", "--output-format", output_format, "--output-file", str(target), "--no-cache", cwd=demo)
    to_stdout = fastapi_perf("check", ".", "--output-format", output_format, "--no-cache", cwd=demo)
    assert to_file.returncode == to_stdout.returncode == 1
    assert to_file.stdout == ""
    written = target.read_text(encoding="utf-8")
    if output_format == "html":  # the page carries the time it was generated
        stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")
        written, expected = stamp.sub("", written), stamp.sub("", to_stdout.stdout)
    else:
        expected = to_stdout.stdout
    assert written == expected
    if output_format == "json":
        assert len(json.loads(written)) == len(demo_expectations(demo))


def test_diff_goes_to_the_output_file(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "fixes.diff"
    run = fastapi_perf("check", ".", "--diff", "--output-file", str(target), "--no-cache", cwd=demo)
    assert run.returncode == 1 and run.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("--- a/shop/")


def test_unwritable_output_file_is_a_usage_error(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "report.html"
    run = fastapi_perf("check", ".", "--output-format", "html", "--output-file", str(target), "--no-cache", cwd=demo)
    assert run.returncode == 2
    assert f"fastapi-perf: error: cannot write {target}" in run.stderr
    assert "Traceback" not in run.stderr

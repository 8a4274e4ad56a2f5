"""``fastapi-perf check`` over the fixture project with its runtime report, as a subprocess."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli.conftest import fastapi_perf

# static finding's marker -> the runtime site (marker) it is joined with
MERGED = {
    "middleware": "middleware", "dependency": "dependency", "background": "background", "sleep": "sleep",
    "settle-call": "settle-sleep", "open": "open", "subprocess": "subprocess", "http": "http",
    "db-connect": "db-connect", "db-query": "db-query", "hash": "hash",
}
OBSERVED_ONLY = {"importlib": "FAP103", "getattr": "FAP103", "c-extension": "FAP103", "registry": "FAP103"}


@pytest.fixture
def checked(observed, tmp_path) -> Path:
    """A private copy of the observed project with its report (tests may edit files)."""
    root = tmp_path / "shop"
    shutil.copytree(observed.root, root)
    report = json.loads((root / "fastapi-perf-runtime.json").read_text(encoding="utf-8"))
    report["rootdir"] = str(root.resolve())
    (root / "fastapi-perf-runtime.json").write_text(json.dumps(report), encoding="utf-8")
    return root


def _check(root: Path, *args: str):
    return fastapi_perf("check", "--no-cache", "--select", "FAP1", *args, "shop", cwd=root)


def _by_line(items: list[dict], root: Path) -> dict[tuple[str, int], dict]:
    return {(Path(i["filename"]).resolve().relative_to(root.resolve()).as_posix(), i["location"]["row"]): i for i in items}


def test_json_carries_the_runtime_object(observed, checked) -> None:
    run = _check(checked, "--output-format", "json")
    assert run.returncode == 1, run.stderr
    found = _by_line(json.loads(run.stdout), checked)
    for static, site in MERGED.items():
        item = found[observed.sites[static]]
        expected = observed.site(site)
        assert item["runtime"]["stalls"] == expected["stalls"]
        assert item["runtime"]["max_ms"] == expected["max_ms"]
        assert item["runtime"]["tests"] == expected["tests"]
        assert item["runtime"]["observed_only"] is False
        assert f"(observed: {expected['stalls']} stall" in item["message"]
    for name, code in OBSERVED_ONLY.items():
        item = found[observed.sites[name]]
        assert item["code"] == code
        assert item["runtime"]["observed_only"] is True
        assert "when the tests ran; static analysis did not see this call" in item["message"]
    static_only = [i for i in found.values() if "runtime" not in i]
    assert static_only == [], "every blocking finding of the fixture was exercised and blocked"
    assert len(found) == len(MERGED) + len(OBSERVED_ONLY)


def test_text_says_what_was_observed(observed, checked) -> None:
    run = _check(checked)
    lines = run.stdout.splitlines()
    path, line = observed.sites["sleep"]
    sleep = next(x for x in lines if x.startswith(f"{path}:{line}:"))
    assert "FAP103" in sleep
    assert "(observed: 2 stalls, max " in sleep
    assert "in tests/test_async_client.py::test_sleep_again and 1 more test)" in sleep
    path, line = observed.sites["registry"]
    registry = next(x for x in lines if x.startswith(f"{path}:{line}:5: FAP103"))
    assert "`time.sleep()` blocked the event loop in `rebuild_index` when the tests ran" in registry
    assert "in tests/test_live_server.py::test_registry)" in registry
    assert lines[-1].startswith("Found 15 findings.") or "Found 15 findings." in run.stdout


def test_sarif_properties_and_the_chain_of_an_observed_only_finding(observed, checked) -> None:
    run = _check(checked, "--output-format", "sarif")
    results = json.loads(run.stdout)["runs"][0]["results"]
    by_line = {
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r
        for r in results
    }
    registry = by_line[observed.sites["registry"]]
    assert registry["properties"]["runtime"]["observed_only"] is True
    assert registry["properties"]["runtime"]["tests"] == ["tests/test_live_server.py::test_registry"]
    related = [(r["message"]["text"], r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"]) for r in registry["relatedLocations"]]
    assert related == [
        ("`run_job` calls `rebuild_index` here", "shop/app.py", observed.sites["registry-call"][1]),
        ("observed in `tests/test_live_server.py::test_registry`", "tests/test_live_server.py", 10),
    ]
    hashed = by_line[observed.sites["hash"]]
    assert hashed["properties"]["runtime"]["max_ms"] > 10
    assert hashed["properties"]["runtime"]["observed_only"] is False


def test_a_file_changed_after_the_tests_is_stale(observed, checked) -> None:
    plugins = checked / "shop" / "plugins.py"
    plugins.write_text(plugins.read_text(encoding="utf-8") + "\n# edited after the tests ran\n", encoding="utf-8")
    found = _by_line(json.loads(_check(checked, "--output-format", "json").stdout), checked)
    registry = found[observed.sites["registry"]]
    assert registry["runtime"]["stale"] is True
    assert "stale: the file changed after the tests ran" in registry["message"]
    assert found[observed.sites["sleep"]]["runtime"]["stale"] is False


def test_touching_a_file_without_changing_it_is_not_stale(observed, checked) -> None:
    app = checked / "shop" / "app.py"
    app.write_bytes(app.read_bytes())
    found = _by_line(json.loads(_check(checked, "--output-format", "json").stdout), checked)
    assert found[observed.sites["sleep"]]["runtime"]["stale"] is False


def test_noqa_and_ignore_silence_observed_only_findings(observed, checked) -> None:
    plugins = checked / "shop" / "plugins.py"
    text = plugins.read_text(encoding="utf-8").replace("# site: registry", "# noqa: FAP103")
    plugins.write_text(text, encoding="utf-8")
    found = _by_line(json.loads(_check(checked, "--output-format", "json").stdout), checked)
    assert observed.sites["registry"] not in found
    found = _by_line(json.loads(_check(checked, "--output-format", "json", "--ignore", "FAP103").stdout), checked)
    assert {i["code"] for i in found.values()} == {"FAP102", "FAP104", "FAP105", "FAP106", "FAP107"}


def test_an_explicit_report_elsewhere(observed, checked, tmp_path) -> None:
    moved = tmp_path / "artifacts" / "runtime.json"
    moved.parent.mkdir()
    shutil.move(checked / "fastapi-perf-runtime.json", moved)
    assert "observed" not in _check(checked).stdout  # nothing at the project root any more
    run = _check(checked, "--runtime", str(moved))
    assert run.stdout.count("observed: ") == len(MERGED) + len(OBSERVED_ONLY)


def test_a_report_from_another_machine_is_read_against_the_project(observed, checked) -> None:
    report = json.loads((checked / "fastapi-perf-runtime.json").read_text(encoding="utf-8"))
    report["rootdir"] = "/home/ci/build/shop"
    (checked / "fastapi-perf-runtime.json").write_text(json.dumps(report), encoding="utf-8")
    assert _check(checked).stdout.count("observed: ") == len(MERGED) + len(OBSERVED_ONLY)


def test_a_broken_report(checked) -> None:
    (checked / "fastapi-perf-runtime.json").write_text('{"version": 1, "sites": [', encoding="utf-8")
    run = _check(checked)
    assert run.returncode == 1
    assert "fastapi-perf-runtime.json: ignored: not JSON (line 1" in run.stderr
    assert "observed" not in run.stdout and "FAP103" in run.stdout
    run = _check(checked, "--runtime", "fastapi-perf-runtime.json")
    assert run.returncode == 2
    assert "error: fastapi-perf-runtime.json: not JSON" in run.stderr
    (checked / "fastapi-perf-runtime.json").write_text('{"version": 7}', encoding="utf-8")
    run = _check(checked, "--runtime", "fastapi-perf-runtime.json")
    assert run.returncode == 2
    assert "schema version 7; this fastapi-perf reads version 1" in run.stderr
    run = _check(checked, "--runtime", "missing.json")
    assert run.returncode == 2 and "missing.json: cannot read it" in run.stderr


def test_html_report_shows_the_evidence(observed, checked) -> None:
    """The HTML page renders the joined evidence: each observed finding gets its section, observed-only ones say so."""
    run = _check(checked, "--output-format", "html")
    assert run.returncode == 1, run.stderr
    page = run.stdout
    assert page.count('class="runtime-evidence"') == len(MERGED) + len(OBSERVED_ONLY)
    assert page.count("Seen only at run time") == len(OBSERVED_ONLY)
    sleep = observed.site("sleep")
    assert f"<dt>Event-loop stalls</dt><dd>{sleep['stalls']}</dd>" in page

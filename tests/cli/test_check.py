"""``fastapi-perf check`` as a subprocess: output formats, selection, exit codes, fixes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rules.markers import expected_findings

from .conftest import fastapi_perf

APP = """import time
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root():
    time.sleep(1)
    return {}
"""


def demo_expectations(demo: Path) -> set[tuple[str, int, str]]:
    expected = set()
    for path in demo.rglob("*.py"):
        for line, code in expected_findings(path.read_text(encoding="utf-8")):
            expected.add((path.relative_to(demo).as_posix(), line, code))
    return expected


def test_demo_text_output_matches_its_markers(demo: Path) -> None:
    run = fastapi_perf("check", ".", "--no-cache", cwd=demo)
    assert run.returncode == 1, run.stderr
    found = set()
    for line in run.stdout.splitlines():
        match = re.match(r"^(\S+):(\d+):(\d+): (FAP\d{3})( \[\*\])? ", line)
        if match:
            found.add((match.group(1), int(match.group(2)), match.group(4)))
    assert found == demo_expectations(demo)
    assert re.search(r"^Found \d+ findings\.$", run.stdout, re.M)
    assert "fixable with the `--fix` option" in run.stdout


def test_demo_triggers_every_rule(demo: Path) -> None:
    from fastapi_perf.rules import ALL_RULES

    codes = {code for _, _, code in demo_expectations(demo)}
    # The demo is an application that runs: it has no syntax error (FAP000).
    assert codes == {rule.code for rule in ALL_RULES if rule.default_enabled and not rule.reports_syntax_errors}


def test_json_output_has_ruffs_shape(demo: Path) -> None:
    run = fastapi_perf("check", "shop", "--output-format", "json", "--no-cache", cwd=demo)
    assert run.returncode == 1
    items = json.loads(run.stdout)
    assert {(Path(i["filename"]).relative_to(demo).as_posix(), i["location"]["row"], i["code"]) for i in items} == demo_expectations(demo)
    for item in items:
        assert set(item) >= {"code", "message", "filename", "location", "end_location", "fix", "url", "noqa_row", "cell"}
        assert item["location"]["column"] >= 1 and item["url"].endswith(f"{item['code']}.md")
        assert item["noqa_row"] == item["location"]["row"]
        if item["fix"] is not None:
            assert item["fix"]["applicability"] in ("safe", "unsafe", "display-only")
            assert item["fix"]["edits"] and item["fix"]["message"]
    sleep = next(i for i in items if i["code"] == "FAP103")
    line = (demo / "shop" / "catalog.py").read_text().splitlines()[sleep["location"]["row"] - 1]
    assert line[sleep["location"]["column"] - 1 :].startswith("time.sleep(")


def test_sarif_output_has_what_github_code_scanning_requires(demo: Path) -> None:
    run = fastapi_perf("check", ".", "--output-format", "sarif", "--no-cache", cwd=demo)
    assert run.returncode == 1
    log = json.loads(run.stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (sarif_run,) = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "fastapi-perf" and driver["version"]
    rule_ids = [r["id"] for r in driver["rules"]]
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["helpUri"].startswith("https://")
        assert rule["help"]["text"]
    assert len(sarif_run["results"]) == len(demo_expectations(demo))
    for result in sarif_run["results"]:
        assert result["ruleId"] in rule_ids and rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note", "none")
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1


def test_sarif_validates_against_the_schema_structure(demo: Path) -> None:
    """A structural schema of the parts of SARIF 2.1.0 we emit (the full schema is not vendored)."""
    import jsonschema

    region = {"type": "object", "required": ["startLine"], "properties": {k: {"type": "integer", "minimum": 1} for k in ("startLine", "startColumn", "endLine", "endColumn")}}
    schema = {
        "type": "object",
        "required": ["version", "runs"],
        "properties": {
            "version": {"const": "2.1.0"},
            "runs": {"type": "array", "items": {
                "type": "object", "required": ["tool", "results"],
                "properties": {
                    "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {"type": "object", "required": ["name", "rules"]}}},
                    "results": {"type": "array", "items": {
                        "type": "object", "required": ["ruleId", "message", "locations"],
                        "properties": {
                            "message": {"type": "object", "required": ["text"]},
                            "level": {"enum": ["none", "note", "warning", "error"]},
                            "locations": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["physicalLocation"], "properties": {"physicalLocation": {"type": "object", "required": ["artifactLocation", "region"], "properties": {"region": region}}}}},
                        },
                    }},
                },
            }},
        },
    }
    run = fastapi_perf("check", ".", "--output-format", "sarif", "--no-cache", cwd=demo)
    jsonschema.validate(json.loads(run.stdout), schema)


def test_github_annotations(demo: Path) -> None:
    run = fastapi_perf("check", ".", "--output-format", "github", "--no-cache", cwd=demo)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert len(lines) == len(demo_expectations(demo))
    pattern = re.compile(r"^::(warning|error|notice) title=fastapi-perf \(FAP\d{3}\),file=shop/\w+\.py,line=\d+,col=\d+,endLine=\d+,endColumn=\d+::shop/\w+\.py:\d+:\d+: FAP\d{3} .+$")
    for line in lines:
        assert pattern.match(line), line
    assert any(line.startswith("::error ") and "FAP108" in line for line in lines)


def test_select_ignore_and_extend_select(demo: Path) -> None:
    only = fastapi_perf("check", ".", "--select", "FAP103", "--output-format", "json", "--no-cache", cwd=demo)
    assert {i["code"] for i in json.loads(only.stdout)} == {"FAP103"}
    prefix = fastapi_perf("check", ".", "--select", "FAP1", "--ignore", "FAP102,FAP104", "--output-format", "json", "--no-cache", cwd=demo)
    assert {i["code"] for i in json.loads(prefix.stdout)} == {"FAP101", "FAP103", "FAP105", "FAP106", "FAP107", "FAP108"}
    extended = fastapi_perf("check", ".", "--select", "FAP6", "--extend-select", "FAP201", "--output-format", "json", "--no-cache", cwd=demo)
    assert {i["code"] for i in json.loads(extended.stdout)} == {"FAP601", "FAP602", "FAP604", "FAP201"}


def test_unknown_selector_is_a_usage_error(demo: Path) -> None:
    run = fastapi_perf("check", ".", "--select", "FAP999", cwd=demo)
    assert run.returncode == 2
    assert "FAP999" in run.stderr and "Traceback" not in run.stderr


def test_exit_zero_and_clean_exit(project) -> None:
    root = project({"app.py": APP})
    assert fastapi_perf("check", "--exit-zero", "--no-cache", cwd=root).returncode == 0
    clean = project({"app.py": APP.replace("time.sleep(1)", "return {}")})
    run = fastapi_perf("check", "--no-cache", cwd=clean)
    assert run.returncode == 0 and "All checks passed!" in run.stdout


def test_fix_writes_safe_fixes_only(demo: Path) -> None:
    run = fastapi_perf("check", ".", "--fix", "--no-cache", cwd=demo)
    assert run.returncode == 1  # unsafe fixes and unfixable findings remain
    assert "Fixed 5 findings." in run.stdout
    catalog = (demo / "shop" / "catalog.py").read_text()
    compile(catalog, "catalog.py", "exec")
    assert "await asyncio.sleep(0.05)" in catalog
    assert "await run_in_threadpool(os.path.exists, path)" in catalog
    assert "requests.get(f\"{PRICING_URL}/{sku}\", timeout=2).json()" in catalog  # unsafe: untouched
    after = fastapi_perf("check", ".", "--output-format", "json", "--no-cache", cwd=demo)
    assert not any(i["fix"] and i["fix"]["applicability"] == "safe" for i in json.loads(after.stdout))


def test_unsafe_fixes_and_diff(demo: Path) -> None:
    before = {p: p.read_text() for p in demo.rglob("*.py")}
    diff = fastapi_perf("check", ".", "--diff", "--unsafe-fixes", "--no-cache", cwd=demo)
    assert diff.returncode == 1
    assert {p: p.read_text() for p in demo.rglob("*.py")} == before, "--diff must not write"
    assert "+    price = (await pricing.get(" in diff.stdout  # the module's own AsyncClient is reused
    assert "-async def list_products" in diff.stdout and "+def list_products" in diff.stdout
    assert "Would fix" in diff.stderr
    fixed = fastapi_perf("check", ".", "--fix", "--unsafe-fixes", "--no-cache", cwd=demo)
    for path in demo.rglob("*.py"):
        compile(path.read_text(), str(path), "exec")
    remaining = json.loads(fastapi_perf("check", ".", "--output-format", "json", "--no-cache", cwd=demo).stdout)
    assert not [i for i in remaining if i["fix"]], fixed.stdout


def test_statistics(demo: Path) -> None:
    run = fastapi_perf("check", ".", "--statistics", "--no-cache", cwd=demo)
    rows = [line.split("\t") for line in run.stdout.splitlines()]
    counts = {row[1]: int(row[0]) for row in rows}
    assert counts["FAP104"] == 2 and counts["FAP201"] == 3
    assert any(row[1] == "FAP103" and row[2].startswith("[*]") for row in rows)


def test_cache_is_reused_and_invalidated(project) -> None:
    root = project({"app.py": APP, "pyproject.toml": "[project]\nname='x'\ndependencies=['fastapi']\n"})
    first = fastapi_perf("check", cwd=root)
    assert first.returncode == 1
    cache_files = list((root / ".fastapi_perf_cache").rglob("*.json"))
    assert len(cache_files) == 1
    stamp = cache_files[0].stat().st_mtime_ns
    second = fastapi_perf("check", cwd=root)
    assert second.stdout == first.stdout
    assert cache_files[0].stat().st_mtime_ns == stamp, "an unchanged tree must not rewrite the cache"
    (root / "app.py").write_text(APP.replace("time.sleep(1)", "pass"))
    third = fastapi_perf("check", cwd=root)
    assert third.returncode == 0
    other_settings = fastapi_perf("check", "--select", "FAP102", cwd=root)
    assert other_settings.returncode == 0
    assert len(list((root / ".fastapi_perf_cache").rglob("*.json"))) == 2


def test_bad_inputs_get_one_line_each(project) -> None:
    root = project(
        {
            "pyproject.toml": "[tool.fastapi-perf]\nmax-file-size = 20000\n",
            "good.py": APP,
            "latin1.py": "# café\n".encode("latin-1"),
            "binary.py": b"\x00\x01\x02",
            "huge.py": "x = 1\n" * 5000,
            "broken.py": APP + "\n\ndef half_typed():\n    return {\n",
        }
    )
    (root / "dangling.py").symlink_to(root / "missing.py")
    run = fastapi_perf("check", "--no-cache", cwd=root)
    assert "Traceback" not in run.stderr
    warnings = [line for line in run.stderr.splitlines() if line.startswith("fastapi-perf: warning:")]
    assert len(warnings) == 4, run.stderr
    assert any("latin1.py: skipped: not valid UTF-8" in w for w in warnings)
    assert any("binary.py: skipped: binary file" in w for w in warnings)
    assert any("huge.py: skipped: 30,000 bytes is over the 20,000-byte limit" in w for w in warnings)
    assert any("dangling.py: skipped: cannot read" in w for w in warnings)
    assert re.search(r"^broken\.py:\d+:\d+: FAP000 SyntaxError: ", run.stdout, re.M)
    assert re.search(r"^broken\.py:9:5: FAP103 ", run.stdout, re.M), "the valid part of a broken file is still analysed"
    assert run.returncode == 1


def test_missing_path_is_a_usage_error(project) -> None:
    root = project({"app.py": APP})
    run = fastapi_perf("check", "nope.py", cwd=root)
    assert run.returncode == 2 and "nope.py: no such file or directory" in run.stderr


def test_configuration_errors_name_the_key(project) -> None:
    root = project({"app.py": APP, "pyproject.toml": "[tool.fastapi-perf]\nselekt = ['FAP1']\n"})
    run = fastapi_perf("check", cwd=root)
    assert run.returncode == 2
    assert "unknown key `selekt`" in run.stderr and "did you mean `select`" in run.stderr
    root = project({"pyproject.toml": "[tool.fastapi-perf]\nseverity = {FAP103 = 'loud'}\n"})
    run = fastapi_perf("check", cwd=root)
    assert run.returncode == 2 and "severity.FAP103" in run.stderr and "loud" in run.stderr
    root = project({"pyproject.toml": "[tool.fastapi-perf\n"})
    run = fastapi_perf("check", cwd=root)
    assert run.returncode == 2 and "not valid TOML" in run.stderr


def test_configuration_is_applied(project) -> None:
    root = project(
        {
            "pyproject.toml": """
[tool.fastapi-perf]
ignore = ["FAP201"]
severity = { FAP103 = "error" }
per-file-ignores = { "legacy/*.py" = ["FAP103"] }
exclude = ["generated/"]
extend-blocking-calls = { FAP102 = ["billing.client.charge*"] }
""",
            "app.py": APP + "\nfrom billing.client import charge_card\n\n@app.post('/pay')\nasync def pay():\n    charge_card()\n",
            "legacy/old.py": APP,
            "generated/code.py": APP,
        }
    )
    run = fastapi_perf("check", "--output-format", "json", "--no-cache", cwd=root)
    items = json.loads(run.stdout)
    assert {(Path(i["filename"]).relative_to(root).as_posix(), i["code"], i["severity"]) for i in items} == {
        ("app.py", "FAP103", "error"),
        ("app.py", "FAP102", "warning"),
    }


def test_gitignore_venv_and_node_modules_are_skipped(project) -> None:
    root = project(
        {
            ".gitignore": "ignored/\n*.gen.py\n",
            "app.py": APP,
            "ignored/app.py": APP,
            "x.gen.py": APP,
            "venv-custom/pyvenv.cfg": "home = /usr\n",
            "venv-custom/lib/app.py": APP,
            "node_modules/pkg/app.py": APP,
            "build/app.py": APP,
        }
    )
    (root / ".git").mkdir()
    run = fastapi_perf("check", "--output-format", "json", "--no-cache", cwd=root)
    files = {Path(i["filename"]).relative_to(root).as_posix() for i in json.loads(run.stdout)}
    assert files == {"app.py"}
    explicit = fastapi_perf("check", "ignored/app.py", "--output-format", "json", "--no-cache", cwd=root)
    assert {Path(i["filename"]).name for i in json.loads(explicit.stdout)} == {"app.py"}


def test_gate_skips_files_without_fastapi(project) -> None:
    plain = "import time\n\nasync def work():\n    time.sleep(1)\n"
    root = project({"worker.py": plain})
    assert fastapi_perf("check", "--no-cache", cwd=root).returncode == 0
    root = project({"worker.py": plain, "requirements.txt": "fastapi==0.115\nuvicorn\n"})
    assert fastapi_perf("check", "--no-cache", cwd=root).returncode == 1
    root = project({"worker.py": plain, "requirements.txt": "", "pyproject.toml": "[tool.fastapi-perf]\nall-asyncio-files = true\n"})
    assert fastapi_perf("check", "--no-cache", cwd=root).returncode == 1


def test_infer_asks_jedi_about_what_the_import_table_cannot_type(project) -> None:
    source = (
        "import asyncio\nimport sqlite3\nfrom fastapi import FastAPI\napp = FastAPI()\n\n"
        "@app.post('/n')\nasync def n():\n    conn, reopen = sqlite3.connect('x.db'), lambda: sqlite3.connect('x.db')\n"
        "    again = reopen()\n"
        "    await asyncio.sleep(0)\n    return again.execute('SELECT name FROM t LIMIT 1').fetchone()\n"
    )
    root = project({"app.py": source})
    plain = json.loads(fastapi_perf("check", "--select", "FAP107", "--output-format", "json", "--no-cache", cwd=root).stdout)
    inferred = json.loads(fastapi_perf("check", "--select", "FAP107", "--infer", "--output-format", "json", "--no-cache", cwd=root).stdout)
    assert [i["location"]["row"] for i in plain] == [8]
    assert [i["location"]["row"] for i in inferred] == [8, 11]


def test_a_large_tree_is_analysed_in_worker_processes_with_the_same_findings(tmp_path: Path) -> None:
    """Over 400 KB the files go to worker processes (which free each file's trees and collect rarely)."""
    from fastapi_perf.checker.runner import PARALLEL_MIN_BYTES

    routes = "".join(
        f'\n\n@app.get("/r{n}")\nasync def route_{n}(item_id: int):\n    time.sleep(0.1)\n    return {{"id": item_id, "n": {n}}}\n'
        for n in range(400)
    )
    module = "import time\nfrom fastapi import FastAPI\n\napp = FastAPI()\n" + routes
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'big'\n")
    for n in range(PARALLEL_MIN_BYTES // len(module) + 2):
        (tmp_path / f"service_{n}.py").write_text(module)

    def findings(*paths: str) -> list[tuple[str, int, str]]:
        run = fastapi_perf("check", *paths, "--no-cache", "--output-format", "json", cwd=tmp_path)
        assert run.returncode == 1, run.stderr
        return sorted((Path(i["filename"]).name, i["location"]["row"], i["code"]) for i in json.loads(run.stdout))

    whole = findings(".")
    alone = findings("service_0.py")  # one small file: analysed in this process
    assert len(alone) == 800  # FAP103 and FAP201 on every route
    files = sorted(p.name for p in tmp_path.glob("service_*.py"))
    assert whole == sorted((name, row, code) for name in files for _, row, code in alone)

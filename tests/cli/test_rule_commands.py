import json

from .conftest import ROOT, fastapi_perf


def test_rule_prints_documentation() -> None:
    run = fastapi_perf("rule", "FAP103", cwd=ROOT)
    assert run.returncode == 0
    assert run.stdout.startswith("# blocking-sleep (FAP103)")
    assert "## Why is this bad?" in run.stdout and "await asyncio.sleep" in run.stdout
    by_name = fastapi_perf("rule", "blocking-sleep", cwd=ROOT)
    assert by_name.stdout == run.stdout


def test_unknown_rule() -> None:
    run = fastapi_perf("rule", "FAP999", cwd=ROOT)
    assert run.returncode == 2 and "unknown rule" in run.stderr


def test_rules_lists_every_rule() -> None:
    from fastapi_perf.rules import ALL_RULES

    text = fastapi_perf("rules", cwd=ROOT)
    assert text.returncode == 0
    for rule in ALL_RULES:
        assert rule.code in text.stdout and rule.name in text.stdout
    records = json.loads(fastapi_perf("rules", "--output-format", "json", cwd=ROOT).stdout)
    assert [r["code"] for r in records] == [rule.code for rule in ALL_RULES]
    assert all({"category", "default_enabled", "fix", "url"} <= set(r) for r in records)


def test_version() -> None:
    from fastapi_perf import __version__

    run = fastapi_perf("--version", cwd=ROOT)
    assert run.returncode == 0 and __version__ in run.stdout

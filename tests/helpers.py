"""Shared helpers for tests: analyse text the way the CLI does."""

from __future__ import annotations

from fastapi_perf.analysis.engine.dispatch import Engine
from fastapi_perf.analysis.engine.file_analysis import analyse_text
from fastapi_perf.analysis.findings import Finding
from fastapi_perf.analysis.options import AnalysisOptions
from fastapi_perf.checker.fixing import fix_text
from fastapi_perf.rules import ALL_RULES

ALL_ENGINE = Engine([rule() for rule in ALL_RULES])


def findings_of(text: str, options: AnalysisOptions | None = None, module: str = "app.main", codes=None) -> list[Finding]:
    engine = ALL_ENGINE if codes is None else Engine([r() for r in ALL_RULES if r.code in codes])
    result = analyse_text(text, engine, options or AnalysisOptions(), module_name=module)
    assert not result.rule_errors, result.rule_errors
    return result.findings


def fix_all(text: str, unsafe: bool = True, codes=None) -> tuple[str, int, list[Finding]]:
    return fix_text(text, lambda t: findings_of(t, codes=codes), unsafe)

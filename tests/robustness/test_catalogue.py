"""The bad-input catalogue, its tests and ``docs/robustness.md`` say the same thing.

Each case of ``CASES`` needs a test named after it, and the documentation
needs the case's row word for word, so a changed outcome cannot go
unnoticed in either place.
"""

from __future__ import annotations

from . import test_bad_inputs
from .harness import ROOT
from .test_bad_inputs import CASES


def test_every_case_is_tested() -> None:
    tests = {name for name in vars(test_bad_inputs) if name.startswith("test_")}
    missing = [case for case in CASES if f"test_{case.replace('-', '_')}" not in tests]
    assert not missing, f"no test for {missing}"


def test_every_case_is_documented() -> None:
    doc = (ROOT / "docs" / "robustness.md").read_text(encoding="utf-8")
    for case, (given, outcome) in CASES.items():
        row = f"| `{case}` | {given} | {outcome} |"
        assert row in doc, f"docs/robustness.md lacks (or differs on) the row for {case}:\n{row}"


def test_catalogue_table_has_no_stale_rows() -> None:
    doc = (ROOT / "docs" / "robustness.md").read_text(encoding="utf-8")
    table = doc.split("<!-- catalogue -->")[1].split("<!-- /catalogue -->")[0]
    rows = [line.split("|")[1].strip().strip("`") for line in table.splitlines() if line.startswith("| `")]
    assert rows == list(CASES), "the table's rows are the catalogue's cases, in order"

"""Fix safety in CI: every quick fix, every noqa action and fix-all, on the demo app and every rule fixture.

The same check runs over the corpus of real applications in
``tests/benchmarks/bench_fix_safety.py`` (the corpus is not in the
repository, so CI runs it on what is). ``fix_safety.py`` says what "safe"
means.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi_perf.analysis.findings import Edit
from fastapi_perf.checker.fixing import apply_edits
from helpers import findings_of

from .fix_safety import Project, Tally, check_text, judge
from .harness import ROOT

FIXTURES = sorted(p for p in (ROOT / "tests" / "rules" / "fixtures").glob("FAP*.py") if not p.name.endswith(".fixed.py"))

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_every_action_on_a_rule_fixture_is_safe(path: Path) -> None:
    tally = Tally()
    tally.files += 1
    check_text(path.name, path.read_text(encoding="utf-8"), lambda text: findings_of(text), tally)
    assert not tally.broken, "\n\n".join(map(str, tally.broken))


def test_every_action_on_the_demo_app_is_safe() -> None:
    tally = Tally()
    Project(ROOT / "demo").check(tally)
    print(tally.summary())
    assert tally.fixes >= 10 and tally.fix_all_applied >= 10, tally.summary()
    assert not tally.broken, "\n\n".join(map(str, tally.broken))


def test_the_judge_sees_each_kind_of_broken_result() -> None:
    """A result that does not compile, one that keeps the finding, one that adds another: each is named."""
    before = 'import time\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\nasync def f():\n    time.sleep(1)\n'
    found = findings_of(before)
    (target,) = [f for f in found if f.code == "FAP103"]
    cases = {
        "does not compile": "await asyncio.sleep(1",
        "still there": "time.sleep(2)",
        "new finding FAP103 on line 10": "await asyncio.sleep(1)\n    time.sleep(2)",
    }
    for expected, replacement in cases.items():
        edits = [Edit(target.range, replacement)]
        after = apply_edits(before, edits)
        problems = judge(before, after, found, findings_of(after), target, edits)
        assert any(expected in p for p in problems), (expected, problems)
    fixed = [Edit(target.range, "await asyncio.sleep(1)")]
    after = apply_edits(before, fixed)
    assert judge(before, after, found, findings_of(after), target, fixed) == []

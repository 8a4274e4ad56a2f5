"""Every fixture line marked ``# error: CODE`` is flagged with that code, and no other line is.

A marker that pins a column or a message fragment (``# error: FAP103:5 "time.sleep"``)
must be met by a finding of that code on that line.

Where a fixture has a ``.fixed.py`` beside it, applying every fix (safe and
unsafe, as fix-all with ``--unsafe-fixes`` does) must produce exactly that
file, which must parse and no longer have the findings that were fixed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import findings_of, fix_all

from rules.markers import expected_findings, unmet_pins

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in FIXTURES.glob("FAP*.py") if not p.name.endswith(".fixed.py"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_markers_match_findings(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = expected_findings(text)
    findings = findings_of(text)
    found = {(f.range.start.line + 1, f.code) for f in findings}
    missing = sorted(expected - found)
    unexpected = sorted(found - expected)
    lines = text.splitlines()
    report = [f"missing   {line}: {code}  | {lines[line - 1].strip()}" for line, code in missing]
    report += [f"unexpected {line}: {code}  | {lines[line - 1].strip()}" for line, code in unexpected]
    report += [f"pinned     {problem}" for problem in unmet_pins(text, findings)]
    assert not report, "\n" + "\n".join(report)


FIXED = sorted(p for p in FIXTURES.glob("*.fixed.py"))


@pytest.mark.parametrize("fixed_path", FIXED, ids=lambda p: p.name.split(".")[0])
def test_fixes_produce_the_expected_file(fixed_path: Path) -> None:
    source = fixed_path.with_name(fixed_path.name.replace(".fixed.py", ".py"))
    text = source.read_text(encoding="utf-8")
    before = findings_of(text)
    fixable = {(f.code, f.message) for f in before if f.fix is not None}
    assert fixable, "the fixture has nothing to fix"
    fixed, applied, remaining = fix_all(text)
    assert applied > 0
    compile(fixed, str(fixed_path), "exec")  # stricter than ast.parse: no await outside async def
    assert fixed == fixed_path.read_text(encoding="utf-8"), "the fixed file differs; regenerate with tests/rules/regen_fixed.py"
    still_fixable = [f for f in remaining if f.fix is not None]
    assert not still_fixable, f"fixes left findings behind: {still_fixable}"

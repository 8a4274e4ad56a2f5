"""Cross-file fixtures: each folder under ``workspaces/`` is a small project.

Every ``.py`` file in it is analysed with a workspace index over the whole
folder, and must be flagged exactly on its ``# error: CODE`` lines. Related
locations of transitive findings must point at real lines of the files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi_perf.analysis.engine.file_analysis import analyse_text
from fastapi_perf.analysis.names.modules import module_name_for
from fastapi_perf.analysis.options import AnalysisOptions
from fastapi_perf.analysis.workspace.index import WorkspaceIndex, module_map
from helpers import ALL_ENGINE

from rules.markers import expected_findings, unmet_pins

WORKSPACES = Path(__file__).parent / "workspaces"
CASES = sorted(p for p in WORKSPACES.iterdir() if p.is_dir())


def analyse_workspace(root: Path):
    files = sorted(root.rglob("*.py"))
    options = AnalysisOptions(project_uses_fastapi=True)
    index = WorkspaceIndex(module_map(files, root), options)
    results = {}
    for path in files:
        module, package = module_name_for(path, root)
        result = analyse_text(path.read_text(), ALL_ENGINE, options, module, package, str(path), index=index)
        assert not result.rule_errors, result.rule_errors
        results[path] = result.findings
    return results


@pytest.mark.parametrize("root", CASES, ids=lambda p: p.name)
def test_workspace_markers(root: Path) -> None:
    report = []
    for path, findings in analyse_workspace(root).items():
        text = path.read_text()
        lines = text.splitlines()
        expected = expected_findings(text)
        found = {(f.range.start.line + 1, f.code) for f in findings}
        name = path.relative_to(root)
        report += [f"missing    {name}:{line}: {code} | {lines[line - 1].strip()}" for line, code in sorted(expected - found)]
        report += [f"unexpected {name}:{line}: {code} | {lines[line - 1].strip()}" for line, code in sorted(found - expected)]
        report += [f"pinned     {name}: {problem}" for problem in unmet_pins(text, findings)]
        for finding in findings:
            for related in finding.related:
                target = Path(related.path) if related.path else path
                target_lines = target.read_text().splitlines()
                assert 0 <= related.range.start.line < len(target_lines), related
    assert not report, "\n" + "\n".join(report)

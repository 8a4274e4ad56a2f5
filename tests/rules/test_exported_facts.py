"""Facts of another file's functions: each part computed when read, from trees the index may have dropped."""

from __future__ import annotations

from pathlib import Path

from fastapi_perf.analysis.facts.aggregates import AggregateFacts
from fastapi_perf.analysis.facts.dependencies import DependencyFacts
from fastapi_perf.analysis.names.exports import FunctionExport
from fastapi_perf.analysis.options import AnalysisOptions
from fastapi_perf.analysis.workspace.index import WorkspaceIndex, module_map

ROOT = Path(__file__).parent / "workspaces" / "dependency_tree_across_files"


def _export(qualname: str) -> FunctionExport:
    index = WorkspaceIndex(module_map(sorted(ROOT.rglob("*.py")), ROOT), AnalysisOptions(project_uses_fastapi=True))
    found = index.lookup(qualname)
    assert isinstance(found, FunctionExport)
    return found


def test_parts_are_computed_one_at_a_time() -> None:
    facts = _export("app.services.stats.status_counts").facts
    assert facts.computed == ()
    aggregate = facts.aggregate
    assert isinstance(aggregate, AggregateFacts) and aggregate.aggregate is not None
    assert facts.computed == ("aggregate",)


def test_a_part_asked_after_the_trees_were_dropped_reparses_the_file() -> None:
    facts = _export("app.db.get_db").facts
    facts._trees.drop()  # as when newer modules pushed its trees out
    dependency = facts.dependency
    assert isinstance(dependency, DependencyFacts) and dependency.session is not None
    assert dependency.session.site.path.endswith("db.py")

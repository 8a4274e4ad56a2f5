"""``fastapi-perf check`` with a runtime report: the join over the files on disk."""

from __future__ import annotations

from collections.abc import Container, Sequence
from pathlib import Path
from typing import Protocol

from ..analysis.findings import Finding
from .join import join
from .report import DEFAULT_NAME, ReportError, RuntimeReport, load

__all__ = ["DEFAULT_NAME", "ReportError", "join_outcomes", "report_base"]


class Outcome(Protocol):
    path: Path
    findings: list[Finding]


def report_base(report: RuntimeReport, report_path: Path, project_root: Path | None) -> Path:
    """Where the report's relative paths start: its rootdir, else (a report made on another
    machine, a CI artifact) the project being checked, else the report's folder."""
    recorded = Path(report.rootdir)
    if recorded.is_dir():
        return recorded
    return project_root if project_root is not None else report_path.parent


def join_outcomes(outcomes: Sequence[Outcome], report_path: Path, project_root: Path | None, enabled: Container[str]) -> None:
    """Replace each outcome's findings with the joined ones; ReportError for a bad report."""
    report = load(report_path)
    joined = join(
        {o.path: o.findings for o in outcomes},
        report,
        report_base(report, report_path, project_root),
        read=_read,
        modified=_modified,
        enabled=enabled,
    )
    for outcome in outcomes:
        outcome.findings = joined.get(outcome.path, outcome.findings)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _modified(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


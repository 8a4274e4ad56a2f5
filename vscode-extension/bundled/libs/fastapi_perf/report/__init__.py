"""Output formats of ``fastapi-perf check``; each turns findings into text on stdout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..analysis.findings import Finding, Severity


@dataclass(frozen=True, slots=True)
class Reported:
    """A finding ready for output: where it is and how severe it is configured to be."""

    path: Path
    finding: Finding
    severity: Severity
    fixable: bool
    """A fix exists that this run may apply (safe, or unsafe with ``--unsafe-fixes``)."""


def display_path(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()

"""Runtime evidence for a finding: the event-loop stalls a test run observed where it points.

The pytest plugin's report is joined with the static findings by
``runtime.join``, which sets ``Finding.runtime``; the page reads that, or a
mapping ``{stalls, total_ms, max_ms, tests}`` given as a ``runtime``
attribute of the reported item (how the MCP face and tests attach it).
Anything else (a value of the wrong shape) means no evidence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ..analysis.findings import RuntimeEvidence as Observed
from . import Reported, runtime_dict


@dataclass(frozen=True, slots=True)
class RuntimeEvidence:
    stalls: int
    total_ms: float
    max_ms: float
    tests: tuple[str, ...]
    """The tests that stalled, by node id; may be empty when only a count is known."""
    test_count: int
    stale: bool = False
    """The file changed after the tests ran: the line may have moved."""
    observed_only: bool = False


def runtime_of(item: Reported) -> Mapping | None:
    """The raw runtime mapping attached to a reported finding, if any."""
    found = getattr(item, "runtime", None)
    if found is None:
        found = getattr(item.finding, "runtime", None)
    if isinstance(found, Observed):
        return runtime_dict(found)
    return found if isinstance(found, Mapping) else None


def evidence_from(raw: Mapping | None) -> RuntimeEvidence | None:
    """Normalise a runtime mapping; None when it records no stall."""
    if not isinstance(raw, Mapping):
        return None
    stalls = int(_number(raw.get("stalls")))
    if stalls <= 0:
        return None
    tests_value = raw.get("tests")
    if isinstance(tests_value, (list, tuple)):
        tests = tuple(str(t) for t in tests_value)
        count = len(tests)
    else:
        tests = ()
        count = int(_number(tests_value))
    return RuntimeEvidence(
        stalls,
        _number(raw.get("total_ms")),
        _number(raw.get("max_ms")),
        tests,
        count,
        raw.get("stale") is True,
        raw.get("observed_only") is True,
    )


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    return float(value) if math.isfinite(value) and value > 0 else 0.0

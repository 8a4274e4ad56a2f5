"""Aggregate what the detector saw into sites: one per project line and code.

The detector reports one loop callback at a time: its duration, the
blocking calls made in it, and, for a callback that ran past half the
threshold, stack samples of where it spent the time. The duration is split
among the project lines the samples caught, in proportion to the samples;
a callback too short to be sampled is split evenly among its blocking
calls. So a callback that opened a database connection (a quick blocking
call) and then ran a slow query charges the query's line, not the
connection's.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .attribution import Attribution, Attributor
from .frames import Frame
from .report import RuntimeReport, Site, Step, TestLocation

TRACE = tuple[Sequence[Frame], str | None]
"""A blocking call: its stack (innermost first) and what the detector saw (``time.sleep``)."""
SAMPLE = tuple[Sequence[Frame], int]
"""A sampled stack and how many samples had it."""


@dataclass(slots=True)
class _Tally:
    site: Frame
    code: str
    stalls: int = 0
    total_ms: float = 0.0
    max_ms: float = -1.0
    tests: dict[str, None] = field(default_factory=dict)
    calls: dict[str, None] = field(default_factory=dict)
    chain: tuple[Frame, ...] = ()
    callers: dict[tuple[str, int], None] = field(default_factory=dict)

    def add(self, attribution: Attribution, calls: Sequence[str], share_ms: float, test: str | None) -> None:
        self.stalls += 1
        self.total_ms += share_ms
        if share_ms > self.max_ms:
            self.max_ms = share_ms
            self.chain = attribution.chain
        if test is not None:
            self.tests.setdefault(test)
        for call in calls:
            self.calls.setdefault(call)
        for frame in attribution.chain[:-1]:
            self.callers.setdefault((frame.path, frame.line))


class Recorder:
    """Thread-safe: loops run on the test's thread, TestClient's portal thread, a server's thread."""

    def __init__(self, attributor: Attributor, threshold_ms: float) -> None:
        self.attributor = attributor
        self.threshold_ms = threshold_ms
        self.current_test: str | None = None
        self.tests: dict[str, TestLocation] = {}
        self.tests_run = 0
        self._sites: dict[tuple[str, int, str], _Tally] = {}
        self._ignored: Counter[str] = Counter()
        self._lock = threading.Lock()

    def record_callback(
        self, elapsed_ms: float, exceeded: bool, calls: Sequence[TRACE], samples: Sequence[SAMPLE]
    ) -> None:
        test = self.current_test
        blocked: dict[tuple[str, int], Attribution] = {}
        called: dict[tuple[str, int], dict[str, None]] = {}
        ignored: Counter[str] = Counter()
        for frames, call in calls:
            found = self.attributor.attribute(frames, call)
            if found is None:
                ignored["blocking call outside the project's code"] += 1
                continue
            where = (found.site.path, found.site.line)
            blocked.setdefault(where, found)
            if found.call:
                called.setdefault(where, {}).setdefault(found.call)
        sampled: dict[tuple[str, int], tuple[Attribution, int]] = {}
        for frames, count in samples:
            found = self.attributor.attribute(frames, None)
            if found is None:
                continue
            where = (found.site.path, found.site.line)
            if where in blocked:
                found = blocked[where]  # the blocking call seen there names the code
            elif not exceeded:
                continue  # a short callback: only its blocking calls are of interest
            elif found.call:
                called.setdefault(where, {}).setdefault(found.call)
            previous = sampled.get(where)
            sampled[where] = (found, count + (previous[1] if previous else 0))
        if exceeded and not blocked and not sampled:
            ignored["stall outside the project's code"] += 1
        shares: dict[tuple[str, int], float] = {}
        total = sum(count for _, count in sampled.values())
        if total:
            shares = {where: elapsed_ms * count / total for where, (_, count) in sampled.items()}
        elif blocked:
            shares = {where: elapsed_ms / len(blocked) for where in blocked}
        with self._lock:
            self._ignored.update(ignored)
            for where, found in {**{w: a for w, (a, _) in sampled.items()}, **blocked}.items():
                key = (found.site.path, found.site.line, found.code)
                tally = self._sites.get(key)
                if tally is None:
                    tally = self._sites[key] = _Tally(found.site, found.code)
                tally.add(found, list(called.get(where, {})), shares.get(where, 0.0), test)

    def report(self, rootdir: Path, detector: dict[str, str], tool_version: str) -> RuntimeReport:
        project = self.attributor.project
        with self._lock:
            tallies = sorted(self._sites.values(), key=lambda t: (-t.total_ms, t.site.path, t.site.line))
            ignored = dict(self._ignored)
        sites = [
            Site(
                path=project.relative(t.site.path),
                line=t.site.line,
                function=t.site.function,
                code=t.code,
                stalls=t.stalls,
                total_ms=t.total_ms,
                max_ms=max(t.max_ms, 0.0),
                tests=list(t.tests),
                calls=list(t.calls),
                chain=[Step(project.relative(f.path), f.line, f.function) for f in t.chain],
                callers=[(project.relative(path), line) for path, line in t.callers],
            )
            for t in tallies
        ]
        files = {}
        for tally in tallies:
            for frame in (tally.site, *tally.chain):
                relative = project.relative(frame.path)
                if relative not in files:
                    files[relative] = _digest(Path(frame.path))
        return RuntimeReport(
            created=datetime.now(timezone.utc),
            rootdir=str(rootdir.resolve()),
            threshold_ms=self.threshold_ms,
            detector=detector,
            sites=sites,
            tests={name: self.tests[name] for site in sites for name in site.tests if name in self.tests},
            files={path: digest for path, digest in files.items() if digest},
            ignored=ignored,
            tests_run=self.tests_run,
            tool_version=tool_version,
        )


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""

"""``fastapi-perf-runtime.json``: the sites a test run saw block the event loop.

The schema is documented in docs/runtime.md; ``version`` changes when a
field changes meaning or goes away, not when one is added.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
DEFAULT_NAME = "fastapi-perf-runtime.json"


class ReportError(ValueError):
    """The file is not a runtime report this version can read."""


@dataclass(frozen=True, slots=True)
class Step:
    """A frame of the project's code on the way to the site, outermost first."""

    path: str
    line: int
    function: str


@dataclass(slots=True)
class Site:
    """One line of the project's code, with everything observed there under one code."""

    path: str
    """Relative to the report's rootdir (posix separators); absolute outside it."""
    line: int
    """1-based."""
    function: str
    code: str
    stalls: int
    """Loop callbacks in which this line blocked."""
    total_ms: float
    max_ms: float
    tests: list[str]
    calls: list[str]
    """What blocked, by qualified name (``time.sleep``); empty for a stall seen only by sampling."""
    chain: list[Step]
    """The project's frames of the longest stall, outermost first, ending at the site."""
    callers: list[tuple[str, int]] = field(default_factory=list)
    """Every (path, line) of the project's code seen calling towards the site."""


@dataclass(frozen=True, slots=True)
class TestLocation:
    __test__ = False  # not a test class, whatever pytest guesses from the name

    path: str
    line: int


@dataclass(slots=True)
class RuntimeReport:
    created: datetime
    rootdir: str
    threshold_ms: float
    detector: dict[str, str]
    sites: list[Site]
    tests: dict[str, TestLocation]
    files: dict[str, str]
    """SHA-256 of each file a site or chain points into, when the report was written."""
    ignored: dict[str, int]
    """Observations not attributed to the project, by reason."""
    tests_run: int
    tool_version: str = ""
    version: int = SCHEMA_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "tool": {"name": "fastapi-perf", "version": self.tool_version},
            "detector": self.detector,
            "created": self.created.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "rootdir": self.rootdir,
            "threshold_ms": self.threshold_ms,
            "tests_run": self.tests_run,
            "sites": [_site_json(s) for s in self.sites],
            "tests": {name: {"path": t.path, "line": t.line} for name, t in self.tests.items()},
            "files": {path: {"sha256": digest} for path, digest in self.files.items()},
            "ignored": self.ignored,
        }

    @classmethod
    def from_json(cls, data: Any) -> RuntimeReport:
        if not isinstance(data, dict):
            raise ReportError("not a JSON object")
        version = data.get("version")
        if version != SCHEMA_VERSION:
            raise ReportError(f"schema version {version!r}; this fastapi-perf reads version {SCHEMA_VERSION}")
        try:
            created = datetime.fromisoformat(str(data["created"]).replace("Z", "+00:00"))
            if created.tzinfo is None:
                created = created.replace(tzinfo=timezone.utc)
            return cls(
                created=created,
                rootdir=str(data["rootdir"]),
                threshold_ms=float(data["threshold_ms"]),
                detector={str(k): str(v) for k, v in data.get("detector", {}).items()},
                sites=[_site_from(s) for s in data["sites"]],
                tests={str(n): TestLocation(str(t["path"]), int(t["line"])) for n, t in data.get("tests", {}).items()},
                files={str(p): str(f["sha256"]) for p, f in data.get("files", {}).items()},
                ignored={str(k): int(v) for k, v in data.get("ignored", {}).items()},
                tests_run=int(data.get("tests_run", 0)),
                tool_version=str(data.get("tool", {}).get("version", "")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ReportError(f"malformed report ({type(error).__name__}: {error})") from None


def _site_json(site: Site) -> dict[str, Any]:
    return {
        "path": site.path,
        "line": site.line,
        "function": site.function,
        "code": site.code,
        "stalls": site.stalls,
        "total_ms": round(site.total_ms, 3),
        "max_ms": round(site.max_ms, 3),
        "tests": site.tests,
        "calls": site.calls,
        "chain": [{"path": s.path, "line": s.line, "function": s.function} for s in site.chain],
        "callers": [{"path": p, "line": n} for p, n in site.callers],
    }


def _site_from(data: dict[str, Any]) -> Site:
    code = str(data["code"])
    if not (code.startswith("FAP") and code[3:].isdigit()):
        raise ValueError(f"not a rule code: {code!r}")
    line = int(data["line"])
    if line < 1:
        raise ValueError(f"line {line} of {data['path']!r}")
    return Site(
        path=str(data["path"]),
        line=line,
        function=str(data.get("function", "")),
        code=code,
        stalls=int(data["stalls"]),
        total_ms=float(data["total_ms"]),
        max_ms=float(data["max_ms"]),
        tests=[str(t) for t in data.get("tests", [])],
        calls=[str(c) for c in data.get("calls", [])],
        chain=[Step(str(s["path"]), int(s["line"]), str(s.get("function", ""))) for s in data.get("chain", [])],
        callers=[(str(c["path"]), int(c["line"])) for c in data.get("callers", [])],
    )


def load(path: Path) -> RuntimeReport:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ReportError(f"cannot read it: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ReportError("not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReportError(f"not JSON (line {error.lineno}: {error.msg})") from None
    return RuntimeReport.from_json(data)


def write(report: RuntimeReport, path: Path) -> None:
    """Write atomically: an editor watching the file never reads half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise

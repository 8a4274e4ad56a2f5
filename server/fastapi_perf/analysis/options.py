"""The settings that change what the analysis finds (and so key its caches)."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class AnalysisOptions:
    extend_blocking_calls: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(code, patterns): user callables that block, by qualified name; ``*`` matches anything."""
    extend_cpu_heavy_calls: tuple[str, ...] = ()
    extend_critical_calls: tuple[str, ...] = ()
    """User callables whose effect must not be lost in a background task (FAP501), by qualified name."""
    all_asyncio_files: bool = False
    """Run the event-loop rules (category 1, FAP601) on files that do not use FastAPI."""
    project_uses_fastapi: bool = False
    target_version: tuple[int, int] | None = None
    """The oldest Python the project runs on; syntax newer than it is a syntax error. None: any."""
    include_non_request_code: bool = False
    """Run the event-loop rules also in code that serves no request: start-up and shutdown, CLI
    commands, ``__main__`` blocks, coroutines on private loops, task-queue workers, tests."""

    def cache_key(self) -> tuple:
        return (
            self.extend_blocking_calls,
            self.extend_cpu_heavy_calls,
            self.extend_critical_calls,
            self.all_asyncio_files,
            self.project_uses_fastapi,
            self.target_version,
            self.include_non_request_code,
        )

    @cached_property
    def _blocking_patterns(self) -> list[tuple[re.Pattern[str], str]]:
        return [
            (re.compile(fnmatch.translate(pattern)), code)
            for code, patterns in self.extend_blocking_calls
            for pattern in patterns
        ]

    @cached_property
    def _cpu_patterns(self) -> list[re.Pattern[str]]:
        return [re.compile(fnmatch.translate(p)) for p in self.extend_cpu_heavy_calls]

    @cached_property
    def _critical_patterns(self) -> list[re.Pattern[str]]:
        return [re.compile(fnmatch.translate(p)) for p in self.extend_critical_calls]

    def extra_blocking_code(self, qualname: str) -> str | None:
        for pattern, code in self._blocking_patterns:
            if pattern.match(qualname):
                return code
        return None

    def is_extra_cpu_heavy(self, qualname: str) -> bool:
        return any(p.match(qualname) for p in self._cpu_patterns)

    def is_extra_critical(self, qualname: str) -> bool:
        return any(p.match(qualname) for p in self._critical_patterns)

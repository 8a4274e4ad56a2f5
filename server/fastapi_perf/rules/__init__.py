"""The rule registry: one line per rule, in code order."""

from __future__ import annotations

from .async_def.fap201_async_endpoint_without_await import AsyncEndpointWithoutAwait
from .base import Category, FixAvailability, Rule
from .blocking.fap102_blocking_http_call import BlockingHttpCall
from .blocking.fap103_blocking_sleep import BlockingSleep
from .blocking.fap104_blocking_file_io import BlockingFileIo
from .blocking.fap106_blocking_subprocess import BlockingSubprocess
from .blocking.fap108_event_loop_run_in_async import EventLoopRunInAsync
from .caching.fap601_lru_cache_on_async import LruCacheOnAsync

ALL_RULES: tuple[type[Rule], ...] = (
    BlockingHttpCall,
    BlockingSleep,
    BlockingFileIo,
    BlockingSubprocess,
    EventLoopRunInAsync,
    AsyncEndpointWithoutAwait,
    LruCacheOnAsync,
)

BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
BY_NAME: dict[str, type[Rule]] = {rule.name: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "BY_CODE", "BY_NAME", "Category", "FixAvailability", "Rule"]

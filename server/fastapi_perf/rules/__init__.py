"""The rule registry: one line per rule, in code order."""

from __future__ import annotations

from .async_def.fap201_async_endpoint_without_await import AsyncEndpointWithoutAwait
from .async_def.fap202_sync_endpoint_calls_async import SyncEndpointCallsAsync
from .background.fap501_unqueued_critical_background_task import UnqueuedCriticalBackgroundTask
from .background.fap502_blocking_background_task import BlockingBackgroundTask
from .base import Category, FixAvailability, Rule
from .blocking.fap101_blocking_orm_call import BlockingOrmCall
from .blocking.fap102_blocking_http_call import BlockingHttpCall
from .blocking.fap103_blocking_sleep import BlockingSleep
from .blocking.fap104_blocking_file_io import BlockingFileIo
from .blocking.fap105_cpu_bound_in_async import CpuBoundInAsync
from .blocking.fap106_blocking_subprocess import BlockingSubprocess
from .blocking.fap107_blocking_client_call import BlockingClientCall
from .blocking.fap108_event_loop_run_in_async import EventLoopRunInAsync
from .caching.fap601_lru_cache_on_async import LruCacheOnAsync
from .caching.fap602_uncached_aggregate import UncachedAggregate
from .caching.fap603_missing_cache_control import MissingCacheControl
from .caching.fap604_client_per_request import ClientPerRequest
from .dependencies.fap401_multiple_db_sessions import MultipleDbSessions
from .dependencies.fap402_duplicate_dependency_fetch import DuplicateDependencyFetch
from .pydantic.fap301_validate_in_loop import ValidateInLoop
from .pydantic.fap302_heavy_validator import HeavyValidator
from .pydantic.fap303_unbounded_request_body import UnboundedRequestBody
from .pydantic.fap304_response_model_revalidation import ResponseModelRevalidation
from .syntax.fap000_syntax_error import InvalidSyntax

ALL_RULES: tuple[type[Rule], ...] = (
    InvalidSyntax,
    BlockingOrmCall,
    BlockingHttpCall,
    BlockingSleep,
    BlockingFileIo,
    CpuBoundInAsync,
    BlockingSubprocess,
    BlockingClientCall,
    EventLoopRunInAsync,
    AsyncEndpointWithoutAwait,
    SyncEndpointCallsAsync,
    ValidateInLoop,
    HeavyValidator,
    UnboundedRequestBody,
    ResponseModelRevalidation,
    MultipleDbSessions,
    DuplicateDependencyFetch,
    UnqueuedCriticalBackgroundTask,
    BlockingBackgroundTask,
    LruCacheOnAsync,
    UncachedAggregate,
    MissingCacheControl,
    ClientPerRequest,
)

BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
BY_NAME: dict[str, type[Rule]] = {rule.name: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "BY_CODE", "BY_NAME", "Category", "FixAvailability", "Rule"]

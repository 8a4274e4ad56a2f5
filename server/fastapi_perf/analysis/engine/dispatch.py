"""Run the selected rules over chunks in one pass per chunk.

The engine builds a dispatch table from what each rule visits, so a chunk's
functions, calls and classes are each handed only to the rules that asked
for them. An exception in a rule drops that rule's findings for that chunk
and is reported to the caller; it never stops the other rules or chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..facts.module_context import ModuleContext
from ..findings import Finding
from ..source.chunks import Chunk
from .rule_context import RuleContext

RuleLike = object  # a fastapi_perf.rules.base.Rule instance; typed loosely to keep the core independent


@dataclass(frozen=True, slots=True)
class RuleError:
    code: str
    line: int
    error: BaseException


class Engine:
    def __init__(self, rules: Sequence[RuleLike]) -> None:
        self.rules = tuple(rules)
        self._calls = [r for r in self.rules if "call" in r.visits()]
        """Call rules, those that see every call first, then those that see only a coroutine's calls."""
        self._calls.sort(key=lambda r: bool(getattr(r, "coroutine_calls_only", False)))
        self._functions = [r for r in self.rules if "function" in r.visits()]
        self._classes = [r for r in self.rules if "class" in r.visits()]
        self.syntax_code: str | None = next((r.code for r in self.rules if getattr(r, "reports_syntax_errors", False)), None)
        """The code syntax errors are reported under (FAP000), None when that rule is not selected."""
        self.invocations = 0
        """Rule visits made so far; tests use it to prove that edits re-run little."""

    def check_chunk(
        self,
        module: ModuleContext,
        chunk: Chunk,
        on_error: Callable[[RuleError], None] | None = None,
    ) -> list[Finding]:
        facts = chunk.facts
        if facts is None:
            return []
        active = _active(self, module)
        calls, functions, classes = active
        if not (calls or functions or classes):
            return []
        ctx = RuleContext(module, chunk)
        found: list[Finding] = []
        failed: set[str] = set()

        def fail(rule, error: Exception, line: int) -> None:
            failed.add(rule.code)
            found[:] = [f for f in found if f.code != rule.code]
            if on_error is not None:
                on_error(RuleError(rule.code, chunk.origin + line, error))

        general = _any_call(calls)
        # Written out rather than through a helper taking a closure: these loops run for
        # every call of every function, and most visits find nothing.
        invocations = 0
        sites: list[tuple[list, list]] = [(facts.module_calls, general)] if calls else []
        for fn in facts.functions:
            for rule in functions:
                if rule.code in failed:
                    continue
                invocations += 1
                try:
                    found.extend(rule.visit_function(fn, ctx))
                except Exception as error:  # a broken rule must not take the others down
                    fail(rule, error, fn.node.lineno - 1)
            if calls:
                sites.append((fn.calls, calls if fn.is_async else general))
        for group, on_loop in sites:
            for call in group:
                for rule in general if call.in_lambda or call.awaited else on_loop:
                    if rule.code in failed:
                        continue
                    invocations += 1
                    try:
                        found.extend(rule.visit_call(call, ctx))
                    except Exception as error:
                        fail(rule, error, call.node.lineno - 1)
        for cls in facts.classes:
            for rule in classes:
                if rule.code in failed:
                    continue
                invocations += 1
                try:
                    found.extend(rule.visit_class(cls, ctx))
                except Exception as error:
                    fail(rule, error, cls.node.lineno - 1)
        self.invocations += invocations
        return found


def _any_call(calls: list) -> list:
    """The call rules that see every call (those that see only a coroutine's calls come last)."""
    for position, rule in enumerate(calls):
        if getattr(rule, "coroutine_calls_only", False):
            return calls[:position]
    return calls


def _active(engine: Engine, module: ModuleContext) -> tuple[list, list, list]:
    """The rules that apply to this file: FastAPI rules need FastAPI (the detection gate)."""
    if module.uses_fastapi:
        return engine._calls, engine._functions, engine._classes
    if not module.options.all_asyncio_files:
        return [], [], []
    keep = lambda rules: [r for r in rules if not r.fastapi_only]  # noqa: E731
    return keep(engine._calls), keep(engine._functions), keep(engine._classes)

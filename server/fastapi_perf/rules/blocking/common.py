"""What the blocking-call rules share: matching a call's reasons to a code.

Each rule owns one code. Code that serves no request (start-up and
shutdown, CLI commands, scripts, coroutines on a private loop, task-queue
workers, tests) is not reported unless ``include-non-request-code`` is set. A direct call is reported with the rule's own fix;
a call into a sync helper that blocks further down is reported at the call
in the coroutine, with the chain in the message and in related locations.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from ...analysis import BlockingReason, CallSite, Finding, Fix, FunctionInfo, RuleContext, chain_text, short_name
from ..base import Category, Rule


class BlockingCallRule(Rule):
    category: ClassVar[Category] = Category.BLOCKING
    fastapi_only: ClassVar[bool] = False
    direct_message: ClassVar[str] = "`{target}()` blocks the event loop in `async def {function}`"
    direct_only: ClassVar[bool] = False
    """Report only direct calls: for calls whose effect depends on how helpers guard them."""
    coroutine_calls_only: ClassVar[bool] = True
    clean_up: ClassVar[frozenset[str]] = frozenset()
    """Targets that, called in an ``except`` block, only clean up after a failure: not reported there."""

    def visit_call(self, call: CallSite, ctx: RuleContext) -> Iterable[Finding]:
        fn = call.function
        if fn is None or not fn.is_async or call.in_lambda or call.awaited:  # the engine's filter, for direct callers
            return
        for reason in ctx.blocking(call):
            if reason.code != self.code:
                continue
            if reason.chain and self.direct_only:
                continue
            if call.in_handler and reason.target in self.clean_up:
                continue  # runs when something failed, to remove what it left
            if ctx.serves_no_request(fn) is not None:
                return  # start-up, a CLI command, a private loop, a test: no request waits
            if reason.chain:
                helper = short_name(reason.chain[0].label)
                message = f"`{helper}()` blocks the event loop: it reaches {reason.what} (`{chain_text(fn, reason)}`)"
                yield ctx.finding(self.code, call.node, message, related=ctx.chain_related(reason))
            else:
                message = self.direct_message.format(target=reason.target, function=fn.name)
                yield ctx.finding(self.code, call.node, message, fix=self.fix(call, reason, ctx))

    def visit_function(self, fn: FunctionInfo, ctx: RuleContext) -> Iterable[Finding]:
        """``Depends(Require([CanEdit]))``: FastAPI awaits the instance's ``async def __call__`` on the loop."""
        blocking = ctx.module.blocking
        for made in blocking.dependency_instances(fn):
            for reason in blocking.instance_reasons(made, fn.parent):
                if reason.code != self.code or self.direct_only:
                    continue
                label = ctx.source(made) if len(ctx.source(made)) <= 60 else f"{ctx.source(made.func)}(...)"
                hops = " → ".join([label, *(short_name(step.label) for step in reason.chain[:-1]), reason.target])
                message = (
                    f"`{label}` blocks the event loop: FastAPI awaits its `__call__`, which reaches {reason.what} (`{hops}`)"
                )
                related = tuple(
                    ctx.step_location(step, f"`{short_name(getattr(step.function, 'qualname', step.function))}` calls `{step.label}` here")
                    for step in reason.chain
                )
                yield ctx.finding(self.code, made, message, related=related)

    def fix(self, call: CallSite, reason: BlockingReason, ctx: RuleContext) -> Fix | None:
        return None

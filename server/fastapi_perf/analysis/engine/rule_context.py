"""What a rule can ask while it checks one chunk: positions, semantics and reporting."""

from __future__ import annotations

import ast
import re

from ..facts.blocking import BlockingReason, Step
from ..facts.module_context import ModuleContext
from ..facts.serving import called_directly, no_request_reason, task_queue
from ..findings import Finding, Fix, Position, Range, Related
from ..frameworks.fastapi import Route
from ..names.dotted import short_name
from ..names.exports import RemoteStep
from ..source.chunks import Chunk
from ..source.facts import CallSite, FunctionInfo

_DEF = re.compile(r"(?:async\s+)?def\s+")
_VERBS = frozenset(("get", "post", "put", "patch", "delete", "options", "head", "trace", "api_route"))


class RuleContext:
    def __init__(self, module: ModuleContext, chunk: Chunk) -> None:
        self.module = module
        self.chunk = chunk
        self.resolver = module.resolver
        self.options = module.options
        self._callees: dict[int, str | None] = {}
        """Several rules ask for the same call's callee; this context lives for one check of one chunk."""

    # -- positions ---------------------------------------------------------
    def range(self, node: ast.AST, chunk: Chunk | None = None) -> Range:
        return (chunk or self.chunk).node_range(node)

    def name_range(self, fn: FunctionInfo, chunk: Chunk | None = None) -> Range:
        """The range of a function's name in its ``def`` line."""
        chunk = chunk or self.chunk
        start = chunk.position(fn.node.lineno, fn.node.col_offset)
        text = chunk.line(start.line)
        match = _DEF.match(text, start.column)
        column = match.end() if match else start.column
        if not text.startswith(fn.name, column):
            return Range(start, Position(start.line, start.column + 3))
        return Range(Position(start.line, column), Position(start.line, column + len(fn.name)))

    def source(self, node: ast.AST) -> str:
        """The exact source text of ``node``."""
        span = self.range(node)
        if span.start.line == span.end.line:
            return self.chunk.line(span.start.line)[span.start.column : span.end.column]
        parts = [self.chunk.line(span.start.line)[span.start.column :]]
        parts += [self.chunk.line(n) for n in range(span.start.line + 1, span.end.line)]
        parts.append(self.chunk.line(span.end.line)[: span.end.column])
        return "\n".join(parts)

    # -- semantics ---------------------------------------------------------
    def display(self, qualname: str) -> str:
        """A qualified name as the user wrote it: local names without this module's prefix."""
        prefix = self.module.symbols.qualify("")
        if qualname.startswith(prefix):
            qualname = qualname[len(prefix):]
        return short_name(qualname.removeprefix("builtins."))

    def callee(self, call: CallSite) -> str | None:
        key = id(call.node)
        try:
            return self._callees[key]
        except KeyError:
            found = self._callees[key] = self.resolver.callee(call.node, call.function)
            return found

    def route(self, fn: FunctionInfo) -> Route | None:
        return self.module.route(fn)

    def is_dependency(self, fn: FunctionInfo) -> bool:
        return self.module.is_dependency(fn)

    def serves_no_request(self, fn: FunctionInfo | None) -> str | None:
        """Why ``fn`` serves no request (start-up, a CLI command, a test...), or None when it may.

        Always None with ``include-non-request-code``: the event-loop rules then report everywhere.
        """
        if fn is None or self.options.include_non_request_code:
            return None
        return no_request_reason(fn, self.module)

    def called_directly(self, fn: FunctionInfo) -> bool:
        """Whether code of the workspace calls ``fn`` itself (``await get_user(request)``), not through FastAPI."""
        return called_directly(fn, self.module)

    def task_queue(self, qualname: str) -> str | None:
        """The task-queue library (``celery``, ``dramatiq``, ``rq``...) whose task ``qualname`` is, if it is one."""
        return task_queue(qualname, self.module)

    def registered_route(self, fn: FunctionInfo) -> bool:
        """``app.get(path)(fn)``, ``add_api_route(path, fn)`` or a verb decorator with a computed path.

        Such a function is a route although its decorator alone does not say so
        (``route_of`` takes an unknown receiver for a router only with a literal path).
        """
        for decorator in fn.decorators:
            if type(decorator) is ast.Call and type(decorator.func) is ast.Attribute and decorator.func.attr in _VERBS:
                return True
        if fn.parent is not None or fn.class_name is not None:
            return False
        for chunk in self.module.chunks:
            facts = chunk.facts
            if facts is None or fn.name not in facts.reads:
                continue
            sites = list(facts.module_calls) + [c for f in facts.functions for c in f.calls]
            for site in sites:
                node = site.node
                outer = node.func
                registers = type(outer) is ast.Call and type(outer.func) is ast.Attribute and outer.func.attr in _VERBS
                registers = registers or (type(outer) is ast.Attribute and outer.attr in ("add_api_route", "add_route"))
                if registers and any(type(a) is ast.Name and a.id == fn.name for a in [*node.args, *(k.value for k in node.keywords)]):
                    return True
        return False

    def blocking(self, call: CallSite) -> list[BlockingReason]:
        return self.module.blocking.reasons(call)

    def chain_related(self, reason: BlockingReason) -> tuple[Related, ...]:
        """Related locations for the hops after the first (which is the finding itself)."""
        related = []
        for step in reason.chain[1:]:
            caller = short_name(step.function.qualname) if isinstance(step, Step) else step.function
            related.append(self.step_location(step, f"`{caller}` calls `{step.label}` here"))
        return tuple(related)

    def step_location(self, step: Step | RemoteStep, message: str) -> Related:
        if not isinstance(step, Step):
            return Related(message, step.range, path=step.path)
        chunk = self.module.chunk_of(step.function) or self.chunk
        anchor = None if chunk is self.chunk else step.function.qualname.partition(".")[0]
        return Related(message, chunk.node_range(step.call), anchor=anchor)

    # -- reporting ---------------------------------------------------------
    def finding(
        self,
        code: str,
        where: ast.AST | Range,
        message: str,
        fix: Fix | None = None,
        related: tuple[Related, ...] = (),
        tags: tuple[str, ...] = (),
    ) -> Finding:
        span = where if isinstance(where, Range) else self.range(where)
        return Finding(code, message, span, fix, related, tags)


def chain_text(function: FunctionInfo | None, reason: BlockingReason) -> str:
    names = [short_name(function.qualname)] if function else []
    names += [short_name(step.label) for step in reason.chain[:-1]]
    names.append(reason.target)
    return " → ".join(names)

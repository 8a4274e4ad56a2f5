"""Which calls block the event loop, directly or through sync helpers.

A call blocks directly when its qualified name is in the catalogue (or the
user's extra list). It blocks transitively when it calls a sync function (of
this file or another) that blocks on every call — not only in one branch of
an ``if`` or an ``except`` — to a bounded depth and safe against cycles. Calling a
sync *generator* function runs none of its body, and a function passed by
reference (to ``run_in_threadpool``, ``asyncio.to_thread``...) is not called
here at all, so neither counts.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from ..catalog import (
    BLOCKING,
    BLOCKING_INSTANCES,
    CPU_HEAVY_METHODS_BY_PACKAGE,
    DISTINCTIVE_METHODS,
    IN_MEMORY_OK,
    IN_MEMORY_TYPES,
    MEMOIZERS,
    NON_BLOCKING_FLAGS,
    SAME_METHODS_AS,
)
from ..names.dotted import dotted_name
from ..names.exports import FunctionExport, RemoteStep
from ..names.inference import Inference, receiver_end
from ..names.resolve import Resolver, canonical_method
from ..names.values import Instance
from ..options import AnalysisOptions
from ..source.facts import CallSite, FunctionInfo

MAX_DEPTH = 2
MAX_CHAIN = 4
"""At most three sync helpers between the coroutine and the blocking call
(four calls in all, across files too). Longer chains in real code run
through general utilities and conditional branches (a fallback, a
notebook-only path) far more often than into a blocking call on the
request path, so they are not reported."""


@dataclass(frozen=True, slots=True)
class Step:
    """One hop of a call chain: the call made inside ``function``."""

    function: FunctionInfo
    call: ast.Call
    label: str


@dataclass(frozen=True, slots=True)
class BlockingReason:
    code: str
    what: str
    target: str
    """The blocking callable, as the user would write it: ``requests.get``."""
    chain: tuple[Step | RemoteStep, ...] = ()
    """Hops through sync helpers, outermost first; empty for a direct call."""


class BlockingAnalysis:
    """Per-file memo of which calls and functions block."""

    def __init__(
        self,
        resolver: Resolver,
        options: AnalysisOptions,
        inference: Inference | None = None,
        locate: Callable[[CallSite, ast.expr], tuple[tuple, int, int] | None] | None = None,
        text: str | None = None,
        path: str | None = None,
    ) -> None:
        self.resolver = resolver
        self.options = options
        self.inference = inference
        self.locate = locate
        self.text = text
        self.path = path
        self._function_memo: dict[int, dict[str, BlockingReason]] = {}
        self._in_progress: set[int] = set()
        self._call_memo: dict[int, list[BlockingReason]] = {}

    def direct(self, call: CallSite) -> BlockingReason | None:
        node = call.node
        value = self.resolver.value_of(node.func, call.function)
        if type(value) is Instance:  # calling an object: a model pipeline, say
            qualname = f"{value.type}.__call__"
        elif value is not None:
            qualname = value.qualname
        else:
            qualname = self._inferred(call)
        if qualname is not None:
            entry = BLOCKING.get(qualname) or BLOCKING.get(canonical_method(qualname))
            if entry is not None:
                flags = NON_BLOCKING_FLAGS.get(qualname)
                if flags and _mentions(node, flags):
                    return None
                if qualname in IN_MEMORY_OK and self._in_memory(call):
                    return None
                return BlockingReason(entry.code, entry.what, _display(qualname))
            owner, _, method = qualname.rpartition(".")
            owner = SAME_METHODS_AS.get(owner, owner)
            instance = BLOCKING_INSTANCES.get(owner)
            if instance is not None and not method.startswith("_") and method not in instance[1]:
                return BlockingReason(instance[0].code, instance[0].what, _display(qualname))
            for package, methods in CPU_HEAVY_METHODS_BY_PACKAGE.items():
                if owner.startswith(package) and method in methods:
                    return BlockingReason("FAP105", "CPU-heavy work", _display(qualname))
            if self.options.extend_blocking_calls:
                code = self.options.extra_blocking_code(qualname)
                if code is not None:
                    return BlockingReason(code, "a call configured as blocking", qualname)
            if self.options.extend_cpu_heavy_calls and self.options.is_extra_cpu_heavy(qualname):
                return BlockingReason("FAP105", "work configured as CPU-heavy", qualname)
        elif type(node.func) is ast.Attribute:
            entry = DISTINCTIVE_METHODS.get(node.func.attr)
            if entry is not None:
                return BlockingReason(entry.code, entry.what, f".{node.func.attr}")
        return None

    def reasons(self, call: CallSite) -> list[BlockingReason]:
        """Why ``call`` blocks: one reason per rule code, direct ones first."""
        key = id(call.node)
        cached = self._call_memo.get(key)
        if cached is not None:
            return cached
        found: list[BlockingReason] = []
        if not call.in_lambda and not call.awaited:
            direct = self.direct(call)
            if direct is not None:
                found.append(direct)
            elif not call.in_handler:  # error paths are not followed into helpers
                found.extend(self._through_helpers(call))
        self._call_memo[key] = found
        return found

    def _through_helpers(self, call: CallSite) -> list[BlockingReason]:
        """Reasons ``call`` blocks because a sync function it runs does, here or in another file."""
        helper = self.helper(call)
        if helper is not None:
            label, reasons = helper.qualname, self.function_reasons(helper).values()
        else:
            remote = self.remote_helper(call)
            if remote is None:
                return []
            label, reasons = _remote_label(call, remote), remote.blocking.values()
        step = (Step(call.function, call.node, label),) if call.function else ()
        return [BlockingReason(r.code, r.what, r.target, step + r.chain) for r in reasons if len(r.chain) < MAX_CHAIN]

    def memoized(self, fn: FunctionInfo) -> bool:
        """True if the function's body runs once and its result is reused (a cache in front).

        Either a memoising decorator (``@cache``, ``@lru_cache``), or the idiom
        ``if _cache is not None: return _cache`` / ``if key in CACHE: return
        CACHE[key]`` / ``cached = CACHE.get(key); if cached is not None: return
        cached`` at the top of the body, also inside a leading ``with`` (a
        lock). Its I/O then happens on the first call only, which is not what
        the rules are about.
        """
        for decorator in fn.node.decorator_list:
            target = decorator.func if type(decorator) is ast.Call else decorator
            value = self.resolver.value_of(target, fn.parent)
            if value is not None and getattr(value, "qualname", None) in MEMOIZERS:
                return True
        for statement in _leading_statements(fn.node.body):
            if type(statement) is ast.If and _returns_what_it_tests(statement):
                return True
        return False

    def helper(self, call: CallSite) -> FunctionInfo | None:
        """The sync function of this file that ``call`` runs, if any."""
        qualname = self.resolver.callee(call.node, call.function)
        if qualname is None:
            return None
        fn = self.resolver.local_function(qualname)
        if fn is None or fn.is_async or fn.is_generator:
            return None
        return fn

    def _inferred(self, call: CallSite) -> str | None:
        """Ask jedi about ``receiver.method(...)`` in a coroutine when nothing cheaper knew."""
        if self.inference is None or self.locate is None or call.function is None or not call.function.is_async:
            return None
        receiver = receiver_end(call.node)
        if receiver is None:
            return None
        base = self.resolver.value_of(receiver, call.function)
        if base is not None:
            return None  # the resolver knows it: nothing to ask
        located = self.locate(call, receiver)
        if located is None:
            return None
        key, line, column = located
        type_name = self.inference.type_of(key, line, column, self.text, self.path)
        return f"{type_name}.{call.node.func.attr}" if type_name else None

    def _in_memory(self, call: CallSite) -> bool:
        """``zipfile.ZipFile(io.BytesIO(...))``: the "file" is a buffer in memory."""
        node = call.node
        candidates = node.args[:1] + [k.value for k in node.keywords if k.arg in ("file", "fileobj", "filename")]
        for argument in candidates:
            value = self.resolver.value_of(argument, call.function)
            if type(value) is Instance and value.type in IN_MEMORY_TYPES:
                return True
        return False

    def remote_helper(self, call: CallSite) -> FunctionExport | None:
        """The sync function of another workspace file that ``call`` runs, if any."""
        if self.resolver.index is None:
            return None
        qualname = self.resolver.callee(call.node, call.function)
        if qualname is None or qualname.startswith(self.resolver.module.qualify("")):
            return None
        found = self.resolver.index.lookup(qualname)
        if not isinstance(found, FunctionExport) or found.is_async or found.is_generator or not found.blocking:
            return None
        return found

    def function_reasons(self, fn: FunctionInfo, depth: int = 0) -> dict[str, BlockingReason]:
        """Codes a sync function blocks with, each with the shortest chain found."""
        key = id(fn)
        memo = self._function_memo.get(key)
        if memo is not None:
            return memo
        if key in self._in_progress or depth > MAX_DEPTH or self.memoized(fn):
            return {}
        self._in_progress.add(key)
        found: dict[str, BlockingReason] = {}
        guarded = short_circuited(fn)
        try:
            for call in fn.calls:
                # Only what the helper does on every call counts: a blocking call
                # in one branch (an OIDC token file, a fallback) or behind a guard on
                # an argument (``dedup_key is not None and should_emit(...)``) is
                # usually not the path the caller takes.
                if call.in_lambda or call.conditional or id(call.node) in guarded:
                    continue
                direct = self.direct(call)
                if direct is not None:
                    if direct.code not in found:
                        found[direct.code] = BlockingReason(
                            direct.code, direct.what, direct.target, (Step(fn, call.node, direct.target),)
                        )
                    continue
                helper = self.helper(call)
                if helper is not None:
                    for code, reason in self.function_reasons(helper, depth + 1).items():
                        if code not in found and len(reason.chain) < MAX_CHAIN - 1:
                            step = Step(fn, call.node, helper.qualname)
                            found[code] = BlockingReason(code, reason.what, reason.target, (step,) + reason.chain)
                    continue
                remote = self.remote_helper(call)
                if remote is not None:
                    for code, reason in remote.blocking.items():
                        if code not in found and len(reason.chain) < MAX_CHAIN - 1:
                            step = Step(fn, call.node, _remote_label(call, remote))
                            found[code] = BlockingReason(code, reason.what, reason.target, (step,) + reason.chain)
        finally:
            self._in_progress.discard(key)
        self._function_memo[key] = found
        return found


def short_circuited(fn: FunctionInfo) -> set[int]:
    """Calls behind a guard on the function's own arguments: ``dedup_key is not None and claim(dedup_key)``.

    Such a call runs only for callers that pass the argument: an optional
    feature, like a call in an ``if`` on it. A guard that calls something or
    reads other values (``is_path_inside(p) and p.is_file()``, ``fetched or
    load_bundled()``) is not counted: its second half runs more often than not.
    """
    found: set[int] = set()
    for node in ast.walk(fn.node):
        if type(node) is not ast.BoolOp:
            continue
        for position, operand in enumerate(node.values[1:], start=1):
            if not all(_reads_arguments_only(before, fn) for before in node.values[:position]):
                break
            found.update(id(n) for n in ast.walk(operand) if type(n) is ast.Call)
    return found


def _reads_arguments_only(expr: ast.expr, fn: FunctionInfo) -> bool:
    names = [n for n in ast.walk(expr) if type(n) is ast.Name]
    calls = any(type(n) is ast.Call for n in ast.walk(expr))
    return bool(names) and not calls and all(n.id in fn.params for n in names)


def _leading_statements(body: list[ast.stmt], limit: int = 4) -> list[ast.stmt]:
    """The first statements of a body, also inside a leading ``with`` (a cache read under a lock)."""
    found: list[ast.stmt] = []
    for statement in body[:limit]:
        found.append(statement)
        if type(statement) in (ast.With, ast.AsyncWith):
            found += statement.body[:limit]
    return found


def _returns_what_it_tests(statement: ast.If) -> bool:
    """``if X is not None: return X`` or ``if k in CACHE: return CACHE[k]`` (X a name or attribute)."""
    body = statement.body
    if len(body) != 1 or type(body[0]) is not ast.Return or body[0].value is None:
        return False
    test = statement.test
    tested = {dotted_name(n) for n in ast.walk(test) if type(n) in (ast.Name, ast.Attribute)} - {None}
    returned = {dotted_name(n) for n in ast.walk(body[0].value) if type(n) in (ast.Name, ast.Attribute)} - {None}
    if type(test) is ast.Compare and len(test.ops) == 1 and type(test.ops[0]) in (ast.IsNot, ast.In):
        return bool(tested & returned)
    return type(test) in (ast.Name, ast.Attribute) and bool(tested & returned)


def _remote_label(call: CallSite, remote: FunctionExport) -> str:
    """How to name a function of another file in a chain: as the call spells it (``crud.get_user``)."""
    return dotted_name(call.node.func) or remote.qualname.rpartition(".")[2]


def _mentions(call: ast.Call, names: frozenset[str]) -> bool:
    """True if an argument of ``call`` names one of ``names`` (``os.WNOHANG``, ``WNOHANG | ...``)."""
    for argument in [*call.args, *(k.value for k in call.keywords)]:
        for node in ast.walk(argument):
            if (type(node) is ast.Attribute and node.attr in names) or (type(node) is ast.Name and node.id in names):
                return True
    return False


def _display(qualname: str) -> str:
    """The blocking callable as users spell it: ``open``, ``Path.read_text``, ``Session.query``."""
    for prefix in ("builtins.", "pathlib."):
        if qualname.startswith(prefix):
            return qualname[len(prefix):]
    parts = qualname.split(".")
    if len(parts) >= 3 and parts[-2][:1].isupper():
        return f"{parts[-2]}.{parts[-1]}"
    return qualname

"""Which calls block the event loop, directly or through sync helpers.

A call blocks directly when its qualified name is in the catalogue (or the
user's extra list). It blocks transitively when it calls a sync function (of
this file or another) that blocks on every call. "Every call" is read from
the function's branches: a call outside all branches counts, and so does
one every arm of an exhaustive ``if``/``else`` (or ``match`` with a
wildcard) makes, an arm that raises aside; a call in one arm only (an OIDC
token file, a fallback) or in an ``except`` block does not. Chains are
followed as deep as the facts reach, with a cycle guard; the memo per
function (and the workspace index's summaries for other files) bounds the
cost.

In a coroutine, a call in an ``except`` block is followed into helpers
when the block is the other arm of a lookup (it catches a "not found"
exception and does not raise: ``except UserNotExists:`` then create the
account), not a failure's clean-up (:func:`recovers`).

More ways to reach a blocking call:

- a helper's untyped parameter (``def total(db): return db.scalar(...)``)
  blocks when the call site passes it a value of a known type whose
  method blocks (:meth:`BlockingAnalysis.param_uses`);
- a method of a class constructed here (``Mailer(host)``) runs its
  ``__init__``;
- a call on an interface (an abstract method) stands for the workspace's
  overrides: it blocks with a code when every known override does (the only
  one, often), and with each override's code when every override blocks,
  each its own way (a Redis and a Postgres cache backend); so does a method
  of a class from outside the workspace (an uninstalled package's
  ``BaseAuthService``) that workspace classes override;
- a catalogued method on a receiver typed out of sight whose name says its
  type (``settings.auth.pwd_context.verify``: passlib's ``CryptContext``).

Calling a sync *generator* function runs none of its body, and a function
passed by reference (to ``run_in_threadpool``, ``asyncio.to_thread``...) is
not called here at all, so neither counts.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

from ..catalog import (
    BLOCKING,
    CLASSES,
    CONVENTIONAL_RECEIVERS,
    CPU_HEAVY_METHODS_BY_PACKAGE,
    DISTINCTIVE_METHODS,
    IN_MEMORY_OK,
    IN_MEMORY_TYPES,
    MEMOIZERS,
    NON_BLOCKING_FLAGS,
    SAME_METHODS_AS,
    client_call,
    client_of,
)
from ..names.classes import is_abstract, method_kind
from ..names.dotted import dotted_name
from ..names.exports import FunctionExport, ParamCall, RemoteStep
from ..names.inference import Inference, receiver_end
from ..names.resolve import Resolver, canonical_method
from ..names.values import Instance, Ref
from ..options import AnalysisOptions
from ..source.facts import CallSite, FunctionInfo, Iterated


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


@dataclass(frozen=True, slots=True)
class ParamUse:
    """A method called on a parameter on every call: ``db.scalar`` here, or in a helper the parameter is passed to."""

    method: str
    chain: tuple[Step | RemoteStep, ...]


Reasons = dict[str, BlockingReason]
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"builtins"}
_NONE: Reasons = {}
_MAX_IMPLEMENTATIONS = 8


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
        self._function_memo: dict[int, Reasons] = {}
        self._in_progress: set[int] = set()
        self._call_memo: dict[int, list[BlockingReason]] = {}
        self._at_memo: dict[int, Reasons] = {}
        self._uses_memo: dict[int, dict[str, tuple[ParamUse, ...]]] = {}
        self._instances_memo: dict[int, list[ast.Call]] = {}
        self._made_memo: dict[int, list[BlockingReason]] = {}
        self._outside_memo: dict[tuple[str, str], Reasons] = {}

    # -- direct calls -----------------------------------------------------------------
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
            init = self.resolver.constructor(qualname) if type(value) is Ref else None
            if init is not None and init.endswith(".__init__") and init.rpartition(".")[0] in BLOCKING:
                return self.method_reason(init)  # a project subclass of ``smtplib.SMTP`` connects as it is made
            reason = self.method_reason(qualname)
            if reason is not None or type(value) is not Ref or self._defined_here(qualname):
                return reason
            return _conventional(node.func)  # ``settings.auth.pwd_context.verify``, the type out of sight
        if type(node.func) is ast.Attribute:
            entry = DISTINCTIVE_METHODS.get(node.func.attr)
            if entry is not None:
                return BlockingReason(entry.code, entry.what, f".{node.func.attr}")
        return None

    def method_reason(self, qualname: str) -> BlockingReason | None:
        """Why calling ``qualname`` blocks, from its name alone: a catalogued callable, a client's method, configuration."""
        owner, _, method = qualname.rpartition(".")
        if method == "__init__" and owner in BLOCKING:  # ``super().__init__(host)`` of an ``smtplib.SMTP`` subclass
            entry = BLOCKING[owner]
            return BlockingReason(entry.code, entry.what, _display(owner))
        entry = BLOCKING.get(qualname) or BLOCKING.get(canonical_method(qualname))
        if entry is not None:
            return BlockingReason(entry.code, entry.what, _display(qualname))
        owner = SAME_METHODS_AS.get(owner, owner)
        client = client_call(f"{owner}.{method}")
        if client is not None:
            return BlockingReason(client.code, client.what, _client_display(f"{owner}.{method}"))
        for package, methods in CPU_HEAVY_METHODS_BY_PACKAGE.items():
            if owner.startswith(package) and method in methods:
                return BlockingReason("FAP105", "CPU-heavy work", _display(qualname))
        if self.options.extend_blocking_calls:
            code = self.options.extra_blocking_code(qualname)
            if code is not None:
                return BlockingReason(code, "a call configured as blocking", qualname)
        if self.options.extend_cpu_heavy_calls and self.options.is_extra_cpu_heavy(qualname):
            return BlockingReason("FAP105", "work configured as CPU-heavy", qualname)
        return None

    # -- a coroutine's calls ------------------------------------------------------------
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
            elif (not call.in_handler or recovers(call.handler)) and call.function is not None:
                found.extend(self.reasons_at(call).values())  # error paths are not followed into helpers
        self._call_memo[key] = found
        return found

    def reasons_at(self, call: CallSite) -> Reasons:
        """Why a call blocks, each reason's chain starting with this call: directly, or through what it runs."""
        key = id(call.node)
        cached = self._at_memo.get(key)
        if cached is not None:
            return cached
        fn = call.function
        found: Reasons = {}
        direct = self.direct(call) if fn is not None else None
        if direct is not None:
            found[direct.code] = BlockingReason(direct.code, direct.what, direct.target, (Step(fn, call.node, direct.target),))
        elif fn is not None:
            target = self._target(call)
            if target is not None:
                label, helper = target
                step = (Step(fn, call.node, label),)
                for code, reason in self._helper_reasons(helper).items():
                    found[code] = BlockingReason(code, reason.what, reason.target, step + reason.chain)
                for reason in self._argument_reasons(call, helper):
                    if reason.code not in found:
                        found[reason.code] = BlockingReason(reason.code, reason.what, reason.target, step + reason.chain)
            else:
                step = (Step(fn, call.node, dotted_name(call.node.func) or getattr(call.node.func, "attr", "call")),)
                for code, reason in self._outside_dispatch(call).items():
                    found[code] = BlockingReason(code, reason.what, reason.target, step + reason.chain)
        self._at_memo[key] = found
        return found

    # -- what a call runs --------------------------------------------------------------------
    def _target(self, call: CallSite) -> tuple[str, FunctionInfo | FunctionExport] | None:
        """The sync function of the workspace ``call`` runs (a class's ``__init__``), with its label for a chain."""
        qualname = self.resolver.callee(call.node, call.function)
        if qualname is None:
            return None
        qualname = self._constructor(qualname)
        local = self.resolver.local_function(qualname)
        if local is not None:
            return None if local.is_async or local.is_generator else (local.qualname, local)
        index = self.resolver.index
        if index is None or qualname.startswith(self.resolver.module.qualify("")):
            return None
        found = index.lookup(qualname)
        if not isinstance(found, FunctionExport) or found.is_async or found.is_generator:
            return None
        return _remote_label(call, found), found

    def _constructor(self, qualname: str) -> str:
        """A class of the workspace called to make an instance runs its ``__init__`` (found along the MRO)."""
        return self.resolver.constructor(qualname) or qualname

    def helper(self, call: CallSite) -> FunctionInfo | None:
        """The sync function of this file that ``call`` runs, if any."""
        target = self._target(call)
        return target[1] if target is not None and isinstance(target[1], FunctionInfo) else None

    def remote_helper(self, call: CallSite) -> FunctionExport | None:
        """The sync function of another workspace file that ``call`` runs, if it blocks."""
        target = self._target(call)
        if target is None or not isinstance(target[1], FunctionExport) or not target[1].blocking:
            return None
        return target[1]

    def _helper_reasons(self, helper: FunctionInfo | FunctionExport) -> Reasons:
        if isinstance(helper, FunctionInfo):
            if is_abstract(helper):
                return self._dispatch(self.resolver.module.qualify(helper.qualname))
            return self.function_reasons(helper)
        if helper.abstract:
            return self._dispatch(helper.qualname)
        return helper.blocking

    def _dispatch(self, qualname: str) -> Reasons:
        """An interface method: what every known override (of this file or another) blocks with."""
        owner, _, method = qualname.rpartition(".")
        implementations: list[Reasons] = []
        for _, override in self.overrides(owner, method):
            if isinstance(override, FunctionInfo):
                reasons = self.function_reasons(override) if not (override.is_async or override.is_generator) else _NONE
            else:
                reasons = override.blocking if not (override.is_async or override.is_generator) else _NONE
            implementations.append(reasons)
        if not implementations:
            return _NONE
        first, *others = implementations
        shared = {code: reason for code, reason in first.items() if all(code in other for other in others)}
        if shared or not all(implementations):
            return shared
        # Every implementation blocks, each its own way (a Redis and a Postgres cache backend): the call
        # blocks whichever is configured, so each way is reported under its code.
        union: Reasons = {}
        for reasons in implementations:
            for code, reason in reasons.items():
                union.setdefault(code, reason)
        return union

    def _outside_dispatch(self, call: CallSite) -> Reasons:
        """A method of a class from outside the workspace (an uninstalled package's ``BaseAuthService``) on a
        value typed as that class: it stands for the workspace's overrides of it, as an interface does."""
        if type(call.node.func) is not ast.Attribute or not self._from_workspace_factory(call.node.func.value, call.function):
            return _NONE  # cheap first: only a value a function of the workspace hands out (a service locator)
        value = self.resolver.value_of(call.node.func.value, call.function)
        if type(value) is not Instance or value.type in CLASSES or value.type.partition(".")[0] in _STDLIB:
            return _NONE  # a catalogued or standard type: its own methods answer
        index = self.resolver.index
        if index is None:
            return _NONE  # no other file to hold an override
        if value.type.startswith(self.resolver.module.qualify("")) or index.module_of(value.type) is not None:
            return _NONE  # a class of the workspace: its methods, abstract or not, are followed as helpers
        key = (value.type, call.node.func.attr)
        found = self._outside_memo.get(key)
        if found is None:
            found = self._outside_memo[key] = self._dispatch(f"{value.type}.{call.node.func.attr}")
        return found

    def _from_workspace_factory(self, receiver: ast.expr, fn: FunctionInfo | None) -> bool:
        """``get_auth_service()`` or a local bound once to such a call: made by a function of the workspace,
        whose annotation names the outside class while it returns one of the workspace's own."""
        if type(receiver) is ast.Name and fn is not None:
            values = fn.assigned.get(receiver.id, ())
            receiver = values[0] if len(values) == 1 and values[0] is not None else receiver
        if type(receiver) is not ast.Call:
            return False
        callee = self.resolver.callee(receiver, fn)
        if callee is None:
            return False
        index = self.resolver.index
        return self.resolver.local_function(callee) is not None or (index is not None and index.module_of(callee) is not None)

    def overrides(self, owner: str, method: str) -> list[tuple[str, FunctionInfo | FunctionExport]]:
        """Concrete definitions of ``owner.method`` in the workspace's subclasses of ``owner``."""
        resolver = self.resolver
        found: list[tuple[str, FunctionInfo | FunctionExport]] = []
        for name, klass in resolver.module.classes.items():
            qualified = resolver.module.qualify(name)
            override = klass.methods.get(method)
            if qualified != owner and override is not None and not is_abstract(override) and owner in resolver.mro(qualified):
                found.append((f"{name}.{method}", override))
        index = resolver.index
        if index is not None:
            for klass in index.subclasses(owner, exclude=resolver.module.module_name):
                override = klass.methods.get(method)
                if override is not None and not override.abstract:
                    found.append((f"{klass.qualname.rpartition('.')[2]}.{method}", override))
        return found[:_MAX_IMPLEMENTATIONS]

    # -- call-site argument types ------------------------------------------------------------
    def _argument_reasons(self, call: CallSite, helper: FunctionInfo | FunctionExport) -> list[BlockingReason]:
        """A helper's untyped parameters given values of known types here: the methods it calls on them that block."""
        if isinstance(helper, FunctionInfo):
            uses: dict[str, tuple[ParamUse | ParamCall, ...]] = dict(self.param_uses(helper))
            names, kind = list(helper.params), method_kind(helper)
        else:
            uses, names, kind = dict(helper.param_calls), list(helper.params), helper.kind
        if not uses:
            return []
        if kind in ("method", "classmethod", "property") and type(call.node.func) is ast.Attribute:
            names = names[1:]  # bound: the receiver is the first parameter
        found = []
        for name, argument in _arguments(call.node, names):
            value = self.resolver.value_of(argument, call.function) if name in uses else None
            if type(value) is not Instance:
                continue
            for use in uses[name]:
                found.extend(self.use_reasons(value, use.method, use.chain))
        return found

    def use_reasons(self, value: Instance | Ref, method: str, chain: tuple) -> list[BlockingReason]:
        """Why calling ``method`` on ``value`` blocks: a catalogued method, or a workspace method that blocks.

        ``chain`` leads to the call; a workspace method's own chain follows it.
        """
        owner = value.type if type(value) is Instance else value.qualname
        reason = self.method_reason(f"{owner}.{method}")
        if reason is not None:
            return [BlockingReason(reason.code, reason.what, reason.target, chain)]
        member = self.resolver.member(value, method)
        if type(member) is not Ref:
            return []
        local = self.resolver.local_function(member.qualname)
        if local is not None:
            reasons = self.function_reasons(local) if not (local.is_async or local.is_generator) else _NONE
        elif self.resolver.index is not None and not member.qualname.startswith(self.resolver.module.qualify("")):
            found = self.resolver.index.lookup(member.qualname)
            reasons = found.blocking if isinstance(found, FunctionExport) and not found.is_async else _NONE
        else:
            reasons = _NONE
        return [BlockingReason(r.code, r.what, r.target, chain + r.chain) for r in reasons.values()]

    # -- callable instances as dependencies ------------------------------------------------------
    def attribute_uses(self, fn: FunctionInfo) -> dict[str, tuple[ParamUse, ...]]:
        """In a method, the methods called on every call on ``self.<attr>`` (key ``attr``) or its elements (``attr[]``)."""
        receiver = next(iter(fn.params), None)
        if fn.owner is None or receiver is None:
            return {}
        found: dict[str, list[ParamUse]] = {}
        for call in fn.calls:
            if call.in_lambda or call.conditional or call.in_handler or call.awaited:
                continue
            func = call.node.func
            if type(func) is not ast.Attribute:
                continue
            key = _attribute_of(func.value, fn, receiver)
            if key is not None:
                label = f"{dotted_name(func.value) or key}.{func.attr}"
                found.setdefault(key, []).append(ParamUse(func.attr, (Step(fn, call.node, label),)))
        return {key: tuple(uses[:8]) for key, uses in found.items()}

    def dependency_instances(self, fn: FunctionInfo) -> list[ast.Call]:
        """The objects made inline in ``fn``'s ``Depends(X(...))`` parameters (defaults or ``Annotated``)."""
        key = id(fn)
        cached = self._instances_memo.get(key)
        if cached is not None:
            return cached
        found = []
        for param in fn.params.values():
            candidates = [param.default] if param.default is not None else []
            if type(param.annotation) is ast.Subscript and type(param.annotation.slice) is ast.Tuple:
                candidates += param.annotation.slice.elts[1:]
            for candidate in candidates:
                if type(candidate) is ast.Call and candidate.args and type(candidate.args[0]) is ast.Call:
                    name = candidate.func.id if type(candidate.func) is ast.Name else getattr(candidate.func, "attr", "")
                    if name in ("Depends", "Security") and isinstance(self.resolver.depends_target(candidate, fn.parent), ast.Call):
                        found.append(candidate.args[0])
        self._instances_memo[key] = found
        return found

    def instance_reasons(self, made: ast.Call, scope: FunctionInfo | None) -> list[BlockingReason]:
        """``Depends(Require([CanEdit]))``: what the instance's ``async def __call__`` blocks with, the
        constructor's arguments known (``self.perms`` is ``[CanEdit]``)."""
        key = id(made)
        cached = self._made_memo.get(key)
        if cached is None:
            cached = self._made_memo[key] = self._instance_reasons(made, scope)
        return cached

    def _instance_reasons(self, made: ast.Call, scope: FunctionInfo | None) -> list[BlockingReason]:
        resolver = self.resolver
        klass = resolver.callee(made, scope)
        if klass is None or resolver.class_bases(klass) is None:
            return []
        call_method = resolver.member(Ref(klass), "__call__")
        init = resolver.constructor(klass)
        if type(call_method) is not Ref or init is None:
            return []
        local_call, local_init = resolver.local_function(call_method.qualname), resolver.local_function(init)
        if local_call is not None and local_init is not None:
            if not local_call.is_async:
                return []
            uses: dict = self.attribute_uses(local_call)
            params = list(local_init.params)[1:]
            holders = attribute_params(local_init)
        else:
            index = resolver.index
            if index is None or local_call is not None or local_init is not None:
                return []
            remote_call, remote_init = index.lookup(call_method.qualname), index.lookup(init)
            exported = index.class_of(init.rpartition(".")[0])
            if not isinstance(remote_call, FunctionExport) or not isinstance(remote_init, FunctionExport) or exported is None:
                return []
            if not remote_call.is_async:
                return []
            uses, params, holders = remote_call.attribute_calls, list(remote_init.params)[1:], exported.attribute_params
        if not uses:
            return []
        arguments = dict(_arguments(made, params))
        found: list[BlockingReason] = []
        for key, key_uses in uses.items():
            attr = key.removesuffix("[]")
            argument = arguments.get(holders.get(attr, ""))
            value = resolver.value_of(argument, scope) if argument is not None else None
            if key.endswith("[]"):
                value = _item_of(value)
            if type(value) not in (Instance, Ref):
                continue
            for use in key_uses:
                for reason in self.use_reasons(value, use.method, use.chain):
                    if all(r.code != reason.code for r in found):
                        found.append(reason)
        return found

    def param_uses(self, fn: FunctionInfo) -> dict[str, tuple[ParamUse, ...]]:
        """Per untyped parameter, the methods ``fn`` calls on it on every call, itself or through sync helpers."""
        key = id(fn)
        memo = self._uses_memo.get(key)
        if memo is not None:
            return memo
        if key in self._in_progress:
            return {}
        untyped = {  # no annotation, no injected default: the call site decides the type
            name
            for name, param in list(fn.params.items())[1 if method_kind(fn) in ("method", "classmethod", "property") else 0 :]
            if param.annotation is None and (param.default is None or type(param.default) is ast.Constant)
        }
        if not untyped:
            self._uses_memo[key] = {}
            return {}
        self._in_progress.add(key)
        found: dict[str, list[ParamUse]] = {}
        try:
            for call in fn.calls:
                if call.in_lambda or call.conditional or call.in_handler or call.awaited:
                    continue
                func = call.node.func
                if type(func) is ast.Attribute and type(func.value) is ast.Name and func.value.id in untyped:
                    label = f"{func.value.id}.{func.attr}"
                    found.setdefault(func.value.id, []).append(ParamUse(func.attr, (Step(fn, call.node, label),)))
                    continue
                passed = [(i, a) for i, a in enumerate(call.node.args) if type(a) is ast.Name and a.id in untyped]
                passed += [(k.arg, k.value) for k in call.node.keywords if type(k.value) is ast.Name and k.value.id in untyped]
                if not passed:
                    continue
                target = self._target(call)
                if target is None:
                    continue
                label, helper = target
                for name, uses in self._passed_uses(call, helper).items():
                    for use in uses:
                        found.setdefault(name, []).append(ParamUse(use.method, (Step(fn, call.node, label), *use.chain)))
        finally:
            self._in_progress.discard(key)
        result = {name: tuple(uses[:8]) for name, uses in found.items()}
        self._uses_memo[key] = result
        return result

    def _passed_uses(self, call: CallSite, helper: FunctionInfo | FunctionExport) -> dict[str, list[ParamUse | ParamCall]]:
        """The caller's parameters passed on to ``helper`` here, with what the helper calls on them."""
        if isinstance(helper, FunctionInfo):
            uses: dict = self.param_uses(helper)
            names, kind = list(helper.params), method_kind(helper)
        else:
            uses, names, kind = helper.param_calls, list(helper.params), helper.kind
        if not uses:
            return {}
        if kind in ("method", "classmethod", "property") and type(call.node.func) is ast.Attribute:
            names = names[1:]
        passed: dict[str, list] = {}
        for name, argument in _arguments(call.node, names):
            if type(argument) is ast.Name and name in uses:
                passed.setdefault(argument.id, []).extend(uses[name])
        return passed

    # -- functions --------------------------------------------------------------------------
    def memoized(self, fn: FunctionInfo) -> bool:
        """True if the function's body runs once and its result is reused (a cache in front).

        Either a memoising decorator (``@cache``, ``@lru_cache``), or the idiom
        ``if _cache is not None: return _cache`` / ``if key in CACHE: return
        CACHE[key]`` at the top of the body. Its I/O then happens on the first
        call only, which is not what the rules are about.
        """
        for decorator in fn.node.decorator_list:
            target = decorator.func if type(decorator) is ast.Call else decorator
            value = self.resolver.value_of(target, fn.parent)
            if value is not None and getattr(value, "qualname", None) in MEMOIZERS:
                return True
        written: set[str] | None = None
        for statement in _leading(fn.node.body):
            if type(statement) is not ast.If:
                continue
            if _returns_what_it_tests(statement):
                return True
            if _guard_returns(statement):
                if written is None:
                    written = _state_written(fn)
                tested = _state_tested(statement.test, fn)
                # A cache the function fills; one that expires (a TTL, a poll interval) still runs on requests.
                if written and not written.isdisjoint(tested) and not any(n.startswith(_CLOCKS) for n in tested):
                    return True
        return False

    def function_reasons(self, fn: FunctionInfo, depth: int = 0) -> Reasons:
        """Codes a sync function blocks with on every call, each with the first chain found."""
        key = id(fn)
        memo = self._function_memo.get(key)
        if memo is not None:
            return memo
        if key in self._in_progress or self.memoized(fn):
            return {}
        self._in_progress.add(key)
        found: Reasons = {}
        branched = False
        # A call behind a guard on the function's own arguments
        # (``dedup_key is not None and claim(dedup_key)``) runs only for the
        # callers that pass it: an optional feature, not every call's path.
        guarded = short_circuited(fn)
        try:
            for call in fn.calls:
                if call.in_lambda or call.in_handler or id(call.node) in guarded:
                    continue
                if call.conditional:
                    branched = True
                    continue
                for code, reason in self.reasons_at(call).items():
                    found.setdefault(code, reason)
            if branched:
                sites = {
                    id(c.node): c for c in fn.calls if not (c.in_lambda or c.in_handler or id(c.node) in guarded)
                }
                for code, reason in _Paths(self, sites).block(fn.node.body).items():
                    found.setdefault(code, reason)
        finally:
            self._in_progress.discard(key)
        self._function_memo[key] = found
        return found

    # -- jedi, buffers ---------------------------------------------------------------------------
    def _defined_here(self, qualname: str) -> bool:
        """``qualname`` is a function or method of this workspace: its body says what it does, not its name."""
        if self.resolver.local_function(qualname) is not None:
            return True
        if self.resolver.is_own(qualname):
            return False  # asking the index would summarise this very file again
        index = self.resolver.index
        return index is not None and index.lookup(qualname) is not None

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


class _Paths:
    """What a function's body blocks with on every path: the arms of exhaustive branches agree on it."""

    def __init__(self, analysis: BlockingAnalysis, sites: dict[int, CallSite]) -> None:
        self.analysis = analysis
        self.sites = sites

    def block(self, statements: list[ast.stmt]) -> Reasons:
        found: Reasons = {}
        for statement in statements:
            for code, reason in self.statement(statement).items():
                found.setdefault(code, reason)
        return found

    def statement(self, node: ast.stmt) -> Reasons:
        kind = type(node)
        if kind is ast.If:
            return _union(self.expression(node.test), self._arms([node.body, node.orelse]) if node.orelse else _NONE)
        if kind is ast.Match:
            cases = node.cases
            exhaustive = bool(cases) and _irrefutable(cases[-1])
            return _union(self.expression(node.subject), self._arms([c.body for c in cases]) if exhaustive else _NONE)
        if kind is ast.Try or kind.__name__ == "TryStar":
            return _union(self.block(node.body), self.block(node.orelse), self.block(node.finalbody))
        if kind in (ast.For, ast.AsyncFor):
            return _union(self.expression(node.iter), self.block(node.body), self.block(node.orelse))
        if kind is ast.While:
            return _union(self.expression(node.test), self.block(node.body), self.block(node.orelse))
        if kind in (ast.With, ast.AsyncWith):
            return _union(*(self.expression(i.context_expr) for i in node.items), self.block(node.body))
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            return _NONE
        return self.expression(node)

    def _arms(self, arms: list[list[ast.stmt]]) -> Reasons:
        """Codes every arm that completes blocks with (an arm that raises is an error path)."""
        common: Reasons | None = None
        for arm in arms:
            if _raises(arm):
                continue
            reasons = self.block(arm)
            common = dict(reasons) if common is None else {c: r for c, r in common.items() if c in reasons}
            if not common:
                return _NONE
        return common or _NONE

    def expression(self, node: ast.AST) -> Reasons:
        found: Reasons = {}
        pending = [node]
        while pending:
            current = pending.pop()
            kind = type(current)
            if kind is ast.Lambda or kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
                continue
            if kind is ast.IfExp:
                arms = [self.expression(current.body), self.expression(current.orelse)]
                for code, reason in _union(self.expression(current.test), _common(arms)).items():
                    found.setdefault(code, reason)
                continue
            if kind is ast.BoolOp:  # the operands after the first run on some calls only
                pending.append(current.values[0])
                continue
            if kind is ast.Call:
                site = self.sites.get(id(current))
                if site is not None and not site.awaited:
                    for code, reason in self.analysis.reasons_at(site).items():
                        found.setdefault(code, reason)
            pending.extend(ast.iter_child_nodes(current))
        return found


def _union(*parts: Reasons) -> Reasons:
    found: Reasons = {}
    for part in parts:
        for code, reason in part.items():
            found.setdefault(code, reason)
    return found


def _common(parts: list[Reasons]) -> Reasons:
    first, *others = parts
    return {code: reason for code, reason in first.items() if all(code in other for other in others)}


def _raises(statements: list[ast.stmt]) -> bool:
    """The block ends by raising on every path (``raise``, or an ``if``/``else`` whose arms both raise)."""
    for statement in statements:
        if type(statement) is ast.Raise:
            return True
        if type(statement) is ast.If and statement.orelse and _raises(statement.body) and _raises(statement.orelse):
            return True
    return False


def _irrefutable(case: ast.match_case) -> bool:
    """``case _:`` or ``case name:`` without a guard: the ``match`` covers every value."""
    pattern = case.pattern
    while type(pattern) is ast.MatchAs and pattern.pattern is not None:
        pattern = pattern.pattern
    return case.guard is None and type(pattern) is ast.MatchAs and pattern.pattern is None


def _attribute_of(expr: ast.expr, fn: FunctionInfo, receiver: str) -> str | None:
    """``self.perms`` -> ``perms``; ``perm`` in ``for perm in self.perms`` -> ``perms[]``."""
    if type(expr) is ast.Attribute and type(expr.value) is ast.Name and expr.value.id == receiver:
        return expr.attr
    if type(expr) is ast.Name:
        values = fn.assigned.get(expr.id, ())
        if len(values) == 1 and type(values[0]) is Iterated:
            inner = _attribute_of(values[0].value, fn, receiver)
            return f"{inner}[]" if inner is not None and not inner.endswith("[]") else None
    return None


def attribute_params(init: FunctionInfo) -> dict[str, str]:
    """Attributes ``__init__`` sets straight from a parameter (``self.perms = perms``): attribute -> parameter."""
    owner = init.owner
    found = {}
    for attr, values in (owner.instance_attrs.items() if owner is not None else ()):
        if len(values) == 1 and values[0][1] is init and type(values[0][0]) is ast.Name and values[0][0].id in init.params:
            found[attr] = values[0][0].id
    return found


def _item_of(value):
    """An element of a container value (a list literal's ``CanEdit``)."""
    if type(value) is Instance and value.type in ("builtins.list", "builtins.tuple") and value.args:
        first = value.args[0]
        return first if all(a == first for a in value.args) else None
    return None


def _arguments(call: ast.Call, names: list[str]):
    """(parameter, argument) pairs of a call, by position and keyword (``*args`` and ``**kwargs`` stop the match)."""
    for position, argument in enumerate(call.args):
        if type(argument) is ast.Starred:
            break
        if position < len(names):
            yield names[position], argument
    for keyword in call.keywords:
        if keyword.arg is not None:
            yield keyword.arg, keyword.value


_CLOCKS = ("time.", "datetime.", "monotonic", "perf_counter")


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


def _leading(body: list[ast.stmt], depth: int = 0):
    """The first statements of a body, and of the ``with`` blocks among them (a cache read under its lock)."""
    for statement in body[:6]:
        yield statement
        if type(statement) is ast.With and depth < 2:
            yield from _leading(statement.body, depth + 1)


def _guard_returns(statement: ast.If) -> bool:
    body = statement.body
    return len(body) == 1 and type(body[0]) is ast.Return


def _state_tested(test: ast.expr, fn: FunctionInfo) -> set[str]:
    """Dotted names a guard reads, with what the locals it reads were assigned from (``cached = _CACHE.get(k)``)."""
    names = {dotted_name(n) for n in ast.walk(test) if type(n) in (ast.Name, ast.Attribute)} - {None}
    for name in list(names):
        for value in fn.assigned.get(name, ()):
            if value is not None:
                names |= {dotted_name(n) for n in ast.walk(value) if type(n) in (ast.Name, ast.Attribute)} - {None}
    return names - {"self", "cls"}


def _state_written(fn: FunctionInfo) -> set[str]:
    """State the function writes: ``self._x = ...``, ``cls._last = now``, ``_CACHE[k] = v``, a declared global."""
    written = set()
    for node in ast.walk(fn.node):
        targets = node.targets if type(node) is ast.Assign else [node.target] if type(node) in (ast.AugAssign, ast.AnnAssign) else ()
        for target in targets:
            item = type(target) is ast.Subscript
            if item:
                target = target.value
            if type(target) is ast.Attribute:
                written.add(dotted_name(target))
                if type(target.value) is ast.Name and target.value.id not in ("self", "cls"):
                    written.add(target.value.id)  # ``_state.value = ...``
            elif type(target) is ast.Name and (item or target.id in fn.global_names):
                written.add(target.id)  # ``_CACHE[key] = value``, ``global _client; _client = ...``
    written.discard(None)
    return written


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


_MISS = re.compile(r"NotFound|NotExist|DoesNotExist|Missing|NoResult|Unknown|^(?:KeyError|LookupError|IndexError)$")


def recovers(handler: ast.ExceptHandler | None) -> bool:
    """An ``except`` block that is the other arm of a lookup, not a failure's clean-up.

    ``except UserNotExists:`` then create the account (or hash a dummy
    password and return) is a path many requests take: the exception says
    a lookup found nothing (``*NotFound``, ``*NotExists``, ``DoesNotExist``,
    ``NoResultFound``, ``KeyError``...) and the block goes on without
    raising. A block for a failure (``except OSError``, ``except
    Exception``, a bare ``except``) or one that ends by raising runs when
    something broke, and its helpers are not followed.
    """
    if handler is None or handler.type is None or not handler.body:
        return False
    caught = handler.type.elts if type(handler.type) is ast.Tuple else [handler.type]
    for expr in caught:
        name = expr.attr if type(expr) is ast.Attribute else expr.id if type(expr) is ast.Name else None
        if name is None or not _MISS.search(name):
            return False
    return type(handler.body[-1]) is not ast.Raise


def _conventional(func: ast.expr) -> BlockingReason | None:
    """A method on a receiver whose name says its type when no annotation reaches it (``pwd_context.verify``)."""
    if type(func) is not ast.Attribute:
        return None
    receiver = func.value
    name = receiver.attr if type(receiver) is ast.Attribute else receiver.id if type(receiver) is ast.Name else None
    owner = CONVENTIONAL_RECEIVERS.get(name or "")
    entry = BLOCKING.get(f"{owner}.{func.attr}") if owner else None
    return BlockingReason(entry.code, entry.what, _display(f"{owner}.{func.attr}")) if entry is not None else None


def _mentions(call: ast.Call, names: frozenset[str]) -> bool:
    """True if an argument of ``call`` names one of ``names`` (``os.WNOHANG``, ``WNOHANG | ...``)."""
    for argument in [*call.args, *(k.value for k in call.keywords)]:
        for node in ast.walk(argument):
            if (type(node) is ast.Attribute and node.attr in names) or (type(node) is ast.Name and node.id in names):
                return True
    return False


def _client_display(qualname: str) -> str:
    """A client's method as users spell it: ``OpenAI.chat.completions.create``, ``Client.messages.create``."""
    parts = qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        if client_of(".".join(parts[:cut])) is not None:
            return ".".join(parts[cut - 1 :])
    return _display(qualname)


def _display(qualname: str) -> str:
    """The blocking callable as users spell it: ``open``, ``Path.read_text``, ``Session.query``."""
    for prefix in ("builtins.", "pathlib."):
        if qualname.startswith(prefix):
            return qualname[len(prefix):]
    parts = qualname.split(".")
    if len(parts) >= 3 and parts[-2][:1].isupper():
        return f"{parts[-2]}.{parts[-1]}"
    return qualname

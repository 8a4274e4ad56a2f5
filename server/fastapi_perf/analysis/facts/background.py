"""What a background task does: the evidence FAP501 and FAP502 need.

``BackgroundTasks.add_task(fn, ...)`` (or ``BackgroundTask(fn, ...)`` handed
to a response) runs ``fn`` in the web process after the response is sent:
``async def`` tasks on the event loop, ``def`` tasks in the threadpool. Two
things can be wrong with that:

- the work must not be lost (FAP501): it sends an email or SMS, charges a
  payment, or writes to another service over HTTP, and nothing retries it
  when that call fails or the process stops. Which calls count is the
  :data:`CRITICAL` catalogue, by qualified name, followed into helpers of
  this or another file as the blocking analysis does;
- the work stalls other requests (FAP502): an ``async def`` task that blocks
  the loop (any category-1 call, also through sync helpers), or a ``def``
  task doing CPU-heavy work.

Per function this module records the first critical call (with its chain)
and whether the function retries (a ``tenacity``/``backoff``/``stamina``
decorator, or a loop around a ``try``), and, for coroutine functions, the
first call that blocks the loop. The same facts travel in the workspace
index (``FunctionExport.facts.background``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..names.classes import is_abstract
from ..names.dotted import attribute_chain
from ..names.values import Instance, Ref
from ..source.facts import CallSite, FunctionInfo
from .common import Site, callee_value, is_argument, scopes, site_of
from .function_facts import FunctionFacts

if TYPE_CHECKING:
    from .module_context import ModuleContext

_WRITES = ("post", "put", "patch", "delete")
_HTTP_CLIENTS = ("requests.Session", "httpx.Client", "httpx.AsyncClient", "aiohttp.ClientSession")


def _named(what: str, names: str) -> dict[str, str]:
    return {name: what for name in names.split()}


CRITICAL: dict[str, str] = {}
"""Calls whose effect must not be lost, by qualified name: what they do."""
CRITICAL |= _named("sends email", " ".join(
    ["smtplib.SMTP.send_message", "smtplib.SMTP.sendmail", "smtplib.SMTP_SSL.send_message", "smtplib.SMTP_SSL.sendmail",
     "aiosmtplib.send", "aiosmtplib.SMTP.send_message", "aiosmtplib.SMTP.sendmail", "fastapi_mail.FastMail.send_message",
     "sendgrid.SendGridAPIClient.send", "resend.Emails.send", "boto3.client.send_email", "boto3.client.send_raw_email",
     "boto3.client.send_templated_email", "mailchimp_transactional.Client.messages.send", "postmarker.core.PostmarkClient.emails.send"]
))
CRITICAL |= _named("sends an SMS or push notification", (
    "twilio.rest.Client.messages.create vonage.Sms.send_message boto3.client.publish firebase_admin.messaging.send "
    "firebase_admin.messaging.send_each firebase_admin.messaging.send_multicast"
))
CRITICAL |= _named("makes a payment call", (
    "stripe.PaymentIntent.create stripe.PaymentIntent.confirm stripe.PaymentIntent.capture stripe.Charge.create "
    "stripe.Refund.create stripe.Invoice.pay stripe.Subscription.create stripe.Transfer.create stripe.Payout.create "
    "braintree.Transaction.sale braintree.Transaction.refund"
))
CRITICAL |= _named("sends an HTTP request that changes data elsewhere", " ".join(
    [f"{client}.{verb}" for client in ("requests", "httpx", *_HTTP_CLIENTS) for verb in _WRITES]
))
_REQUEST_METHODS = frozenset(f"{client}.request" for client in ("requests", "httpx", *_HTTP_CLIENTS))

RETRY_DECORATORS = frozenset(
    "tenacity.retry backoff.on_exception backoff.on_predicate stamina.retry retry.retry retrying.retry "
    "async_retrying.retry tenacity.asyncio.retry".split()
)
RETRY_CALLS = frozenset("tenacity.Retrying tenacity.AsyncRetrying stamina.retry_context".split())

BEST_EFFORT = re.compile(
    r"(?i)(?:^|_|\.)(?:telemetry|metrics?|analytics|track(?:ing)?|log|logs|logging|trace|traces|tracing|span|"
    r"ping|heartbeat|warm|warmup|cache|cleanup|clean|stats?|posthog|segment|sentry|prometheus)(?:$|_|\.)"
)
"""Names of work whose loss costs nothing: logs, metrics, traces, caches, clean-up."""
_BEST_EFFORT_HOSTS = re.compile(r"(?i)telemetry|analytics|posthog|segment\.io|sentry|datadog|mixpanel|amplitude|metrics")

_MAX_DEPTH = 3


@dataclass(frozen=True, slots=True)
class Hop:
    label: str
    site: Site


@dataclass(frozen=True, slots=True)
class Work:
    """A call a task reaches: what it does, the callable, and the hops to it (the last is the call itself)."""

    what: str
    target: str
    chain: tuple[Hop, ...]
    code: str = ""
    """For blocking work: the category-1 rule code."""


@dataclass(frozen=True, slots=True)
class BackgroundFacts:
    critical: Work | None = None
    retries: bool = False
    loop_blocking: Work | None = None
    """For an ``async def``: the first call that blocks the event loop."""


def _as_helper(fn: FunctionInfo, module: ModuleContext, remote: bool) -> BackgroundFacts:
    critical = critical_work(fn, module, remote, top=False)
    return BackgroundFacts(critical, critical is not None and retries(fn, module), _loop_blocking(fn, module, remote))


background_facts = FunctionFacts("background", _as_helper, BackgroundFacts())
"""The facts of a function as a helper (only what it does on every call counts): ``background_facts(fn, module, remote=False)``."""


def critical_direct(call: CallSite, module: ModuleContext) -> tuple[str, str] | None:
    """(what, callable) when ``call`` itself is in the critical catalogue."""
    value = callee_value(call.node, call.function, module)
    if type(value) is Instance:
        return None
    qualname = value.qualname if type(value) is Ref else _through_instance(call.node.func, call.function, module)
    if qualname is None:
        return None
    what = critical_callable(qualname, module)
    if what is None and qualname in _REQUEST_METHODS:
        method = call.node.args[0] if call.node.args else next((k.value for k in call.node.keywords if k.arg == "method"), None)
        if type(method) is ast.Constant and isinstance(method.value, str) and method.value.lower() in _WRITES:
            what = CRITICAL[f"httpx.{method.value.lower()}"]
    if what is None:
        return None
    if what.startswith("sends an HTTP") and _to_best_effort_host(call.node):
        return None
    return what, _display(qualname)


def critical_callable(qualname: str, module: ModuleContext) -> str | None:
    """What a callable whose effect must not be lost does (``requests.post``: sends an HTTP request...)."""
    what = CRITICAL.get(qualname)
    if what is None and module.options.extend_critical_calls and module.options.is_extra_critical(qualname):
        what = "does work listed in `extend-critical-calls`"
    return what


def _through_instance(func: ast.expr, fn: FunctionInfo | None, module: ModuleContext) -> str | None:
    """``sms.messages.create`` where ``sms = Client()`` of a library the catalogue does not model: ``twilio.rest.Client.messages.create``."""
    func, attrs = attribute_chain(func)
    if type(func) is not ast.Name or not attrs:
        return None
    binding = module.symbols.bindings.get(func.id)
    if fn is not None and any(s.binds_locally(func.id) for s in scopes(fn)):
        return None
    if binding is None or binding.kind != "var" or type(binding.value) is not ast.Call:
        return None
    made = module.resolver.value_of(binding.value.func, None)
    if type(made) is not Ref:
        return None
    return ".".join([made.qualname, *attrs])


def critical_work(fn: FunctionInfo, module: ModuleContext, remote: bool = False, top: bool = True) -> Work | None:
    """The first call ``fn`` makes, itself or through helpers, whose effect must not be lost.

    The task's own body (``top``) counts in any branch but ``except`` blocks;
    helpers count only on their unconditional path, and not when they retry.
    """
    for call in fn.calls:
        if call.in_lambda or call.in_handler or (call.conditional and not top):
            continue
        direct = critical_direct(call, module)
        if direct is not None:
            if _retried(call, fn):
                continue
            return Work(direct[0], direct[1], (Hop(direct[1], site_of(call.node, fn, module, remote)),))
        if is_argument(call):
            continue
        helper = _helper(call, module, remote)
        if helper is None:
            continue
        label, facts = helper
        work = facts.critical
        if work is not None and not facts.retries and len(work.chain) < _MAX_DEPTH and not BEST_EFFORT.search(label):
            return Work(work.what, work.target, (Hop(label, site_of(call.node, fn, module, remote)), *work.chain))
    return None


def _helper(call: CallSite, module: ModuleContext, remote: bool) -> tuple[str, BackgroundFacts] | None:
    value = callee_value(call.node, call.function, module)
    if type(value) is not Ref:
        return None
    local = module.resolver.local_function(value.qualname)
    if local is not None and module.blocking.memoized(local):
        return None  # its effect happens once, not on every call
    if (local is not None and is_abstract(local)) or (local is None and _remote_abstract(value.qualname, module)):
        return _critical_override(value.qualname, module, remote)
    return background_facts.of_helper(value.qualname, module, remote)


def interface_work(qualname: str, module: ModuleContext) -> Work | None:
    """For an interface method scheduled as a task: the critical work of an override that does it, if any."""
    local = module.resolver.local_function(qualname)
    if not ((local is not None and is_abstract(local)) or (local is None and _remote_abstract(qualname, module))):
        return None
    found = _critical_override(qualname, module, False)
    return found[1].critical if found is not None else None


def _remote_abstract(qualname: str, module: ModuleContext) -> bool:
    found = module.remote_function(qualname)
    return found is not None and found.abstract


def _critical_override(qualname: str, module: ModuleContext, remote: bool) -> tuple[str, BackgroundFacts] | None:
    """An interface method: its facts are those of an override whose work is critical (one is enough to lose it)."""
    owner, _, method = qualname.rpartition(".")
    for label, override in module.blocking.overrides(owner, method):
        if isinstance(override, FunctionInfo):
            facts = background_facts(override, module, remote)
        else:
            facts = getattr(override.facts, "background", None)
        if facts is not None and facts.critical is not None and not facts.retries:
            return label, facts
    return None


def retries(fn: FunctionInfo, module: ModuleContext) -> bool:
    """A retry decorator or a ``Retrying`` loop (a loop around a ``try`` is checked at the call)."""
    for decorator in fn.node.decorator_list:
        target = decorator.func if type(decorator) is ast.Call else decorator
        value = module.resolver.value_of(target, fn.parent)
        if type(value) is Ref and value.qualname in RETRY_DECORATORS:
            return True
    for call in fn.calls:
        value = callee_value(call.node, fn, module)
        if type(value) is Ref and value.qualname in RETRY_CALLS:
            return True
    return False


def _retried(call: CallSite, fn: FunctionInfo) -> bool:
    """``for attempt in range(3): try: send() except ...: sleep()``: in a loop that also handles errors."""
    return call.loop_depth > 0 and any(c.in_handler and c.loop_depth > 0 for c in fn.calls)


def _loop_blocking(fn: FunctionInfo, module: ModuleContext, remote: bool) -> Work | None:
    """The first call of a coroutine function that blocks the event loop, with its chain.

    For a task of another file (``remote``) the chain is followed as for one of
    this file, into helpers of further files too: only tasks handed to
    ``add_task`` are asked, so the files it summarises are few.
    """
    if not fn.is_async:
        return None
    for call in fn.calls:
        if call.in_lambda or call.awaited or call.in_handler:
            continue
        for reason in module.blocking.reasons(call):
            hops = [Hop(reason.target if not reason.chain else reason.chain[0].label, site_of(call.node, fn, module, remote))]
            for step in reason.chain[1:]:
                if hasattr(step, "path"):
                    hops.append(Hop(step.label, Site(step.range, step.path)))
                else:
                    hops.append(Hop(step.label, site_of(step.call, step.function, module, remote)))
            return Work(reason.what, reason.target, tuple(hops), reason.code)
    return None


def _to_best_effort_host(call: ast.Call) -> bool:
    url = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "url"), None)
    texts = [n.value for n in ast.walk(url) if type(n) is ast.Constant and isinstance(n.value, str)] if url is not None else []
    return any(_BEST_EFFORT_HOSTS.search(t) for t in texts)


def _display(qualname: str) -> str:
    parts = qualname.split(".")
    if len(parts) >= 3 and parts[-2][:1].isupper():
        return f"{parts[-2]}.{parts[-1]}"
    return qualname


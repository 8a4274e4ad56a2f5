"""What the background-task rules share: finding the task a call schedules.

``background_tasks.add_task(fn, *args)`` and ``BackgroundTask(fn, *args)``
(handed to a response) schedule ``fn``; ``add_task(run_in_threadpool, fn)``
and the other offloaders schedule ``fn`` too, but run it in a thread. ``fn``
may be a function of the project or a library's callable
(``add_task(requests.post, url, json=...)``). The
receiver is resolved by type, so ``progress.add_task(...)`` of a progress bar
is not a background task.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ...analysis import CallSite, FunctionInfo, Ref, Related, RuleContext, Work, catalog

SCHEDULERS = frozenset(
    "fastapi.BackgroundTasks.add_task starlette.background.BackgroundTasks.add_task "
    "starlette.background.BackgroundTask fastapi.background.BackgroundTask".split()
)


@dataclass(frozen=True, slots=True)
class Task:
    expr: ast.expr
    qualname: str
    offloaded: bool
    local: FunctionInfo | None
    remote: object | None
    """A ``FunctionExport`` for a task defined in another file."""
    library: bool = False
    """A library's callable handed over as it is (``add_task(requests.post, url, json=...)``)."""

    @property
    def is_async(self) -> bool:
        return self.local.is_async if self.local is not None else bool(getattr(self.remote, "is_async", False))

    @property
    def name(self) -> str:
        return self.qualname.rpartition(".")[2]


def scheduled_task(call: CallSite, ctx: RuleContext) -> Task | None:
    """The function ``call`` schedules as a background task, when it is one we can see."""
    if call.in_lambda or not _may_schedule(call.node.func, ctx) or ctx.callee(call) not in SCHEDULERS:
        return None
    node = call.node
    arguments = list(node.args) or [k.value for k in node.keywords if k.arg == "func"]
    if not arguments:
        return None
    offloaded = False
    first = ctx.resolver.value_of(arguments[0], call.function)
    if type(first) is Ref and first.qualname in catalog.OFFLOADERS:
        offloaded = True
        rest = arguments[1:]
        if first.qualname.endswith("run_in_executor") and rest:
            rest = rest[1:]  # the executor
        if not rest:
            return None
        arguments = rest
    expr = arguments[0]
    value = ctx.resolver.value_of(expr, call.function)
    if type(value) is not Ref:
        return None
    local = ctx.resolver.local_function(value.qualname)
    remote = None
    if local is None:
        remote = ctx.module.remote_function(value.qualname)
        if remote is None:
            library = _library_callable(value.qualname, ctx)
            return Task(expr, value.qualname, offloaded, None, None, library=True) if library else None
    return Task(expr, value.qualname, offloaded, local, remote)


def _library_callable(qualname: str, ctx: RuleContext) -> bool:
    """A name of an installed library, not of this project (whose functions the index answers for)."""
    if qualname.startswith("builtins.") or ctx.module.is_own(qualname):
        return False
    index = ctx.module.index
    return index is None or index.module_of(qualname) is None


def _may_schedule(func: ast.expr, ctx: RuleContext) -> bool:
    """By its spelling, before resolving it: resolving every call of a file follows imports into other files."""
    if type(func) is ast.Attribute:
        return func.attr in ("add_task", "BackgroundTask")
    if type(func) is not ast.Name:
        return False
    if func.id == "BackgroundTask":
        return True
    binding = ctx.module.symbols.bindings.get(func.id)
    return binding is not None and binding.kind == "import" and binding.target.endswith(".BackgroundTask")


def chain_related(work: Work, verb: str) -> tuple[Related, ...]:
    """Related locations for each hop of ``work``'s chain."""
    notes = []
    for hop in work.chain:
        site = hop.site
        notes.append(Related(f"{verb} `{hop.label}` here", site.range, path=site.path, anchor=site.anchor))
    return tuple(notes)


def chain_text(task: Task, work: Work) -> str:
    """``notify → send_email → SMTP.send_message``."""
    return " → ".join([task.name, *(hop.label for hop in work.chain)])

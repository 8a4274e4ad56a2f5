"""Where one file's code is entered from, when it is not a request: the *roots* of code that serves none.

A root is a function that runs before the first request or after the last
(a lifespan, an ``on_event``/``add_event_handler`` hook, ``on_startup=``),
in a terminal (a click, typer or cappa command, code under ``if __name__ ==
"__main__":``), on an event loop of its own (a coroutine handed to
``asyncio.run``/``run_until_complete``: no running loop is blocked, since
``asyncio.run`` refuses to start inside one), in a task queue's worker (a
Celery, Dramatiq or RQ task), or under pytest (``async def test_*``,
fixtures). A whole file is test code when its module is in a ``tests``
package or is named ``test_*``, ``*_test`` or ``conftest``.

Besides its roots, a file records, in plain data, how it uses each name: the
calls made and by which function, and the names handed on as values. The
judgement of :mod:`serving` is made from these records, for this file and
for the other files that mention a function.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..names.resolve import Resolver
from ..names.values import Instance, Ref
from ..source.chunks import Chunk
from ..source.facts import CallSite, FunctionInfo

if TYPE_CHECKING:
    from ..names.lookup import WorkspaceLookup
    from .module_context import ModuleContext

LIFESPAN = "the application's lifespan"
HOOK = "a start-up or shutdown hook"
CLI = "a command-line command"
MAIN = 'code under `if __name__ == "__main__":`'
PRIVATE_LOOP = "a coroutine run on a private event loop (`asyncio.run`)"
WORKER = "a task-queue task (it runs in a worker process)"
TEST = "test code"

_CLI_PACKAGES = ("click.", "typer.", "asyncclick.", "cappa.", "cyclopts.", "rich_click.")
_TASK_DECORATORS = {
    "celery.shared_task": "celery", "celery.app.shared_task": "celery", "dramatiq.actor": "dramatiq",
    "rq.job": "rq", "rq.decorators.job": "rq", "huey.task": "huey", "taskiq.task": "taskiq",
}
_TASK_QUEUES = frozenset({"celery", "dramatiq", "huey", "taskiq", "rq"})
_TEST_DECORATORS = ("pytest.fixture", "pytest_asyncio.fixture", "pytest.mark.")
_LOOP_RUNNERS = frozenset({"asyncio.run", "asyncio.runners.run", "anyio.run", "trio.run", "uvloop.run", "asyncio.Runner.run"})
_AWAITABLE_WRAPPERS = frozenset({"asyncio.wait_for", "asyncio.shield", "asyncio.gather", "asyncio.tasks.wait_for"})
_HOOK_KEYWORDS = frozenset({"on_startup", "on_shutdown"})
_WRAPPERS = frozenset(
    """
    contextlib.asynccontextmanager contextlib.contextmanager functools.wraps functools.lru_cache functools.cache
    functools.cached_property builtins.staticmethod builtins.classmethod builtins.property typing.overload
    """.split()
)
_SPAWNERS = frozenset({"create_task", "ensure_future", "start_soon", "spawn", "run_coroutine_threadsafe", "add_task"})


@dataclass(slots=True)
class Use:
    """One use of a name: the function that makes it (None: module level), what it resolves to, and how."""

    caller: str | None
    callee: str | None
    """The workspace name it resolves to; None when unknown."""
    called: bool
    """A call; False for a value handed on (``add_task(fn)``, ``Depends(fn)``)."""
    root: str | None = None
    """Why this use runs it where no request waits: handed to ``asyncio.run`` (a loop of its own),
    passed as a lifespan or a hook, a factory whose result is the lifespan. Not a root of the function:
    its other uses may run on the server's loop."""
    spawned: bool = False
    """A call whose coroutine becomes a task of the running loop (``create_task(watch())``): it runs
    beside the requests, whoever started it."""


@dataclass(slots=True)
class FileRoles:
    module: str
    """The module's workspace name."""
    test: bool
    roots: dict[str, str] = field(default_factory=dict)
    """Local qualified name -> why it serves no request."""
    entries: set[str] = field(default_factory=set)
    """Routes and dependencies: they serve requests whoever else calls them."""
    decorated: set[str] = field(default_factory=set)
    """Functions with a decorator that is no root's: it may register them (``@app.middleware("http")``)."""
    parents: dict[str, str] = field(default_factory=dict)
    """A nested function's enclosing function."""
    uses: dict[str, list[Use]] = field(default_factory=dict)
    """By the short name used (``load_config`` for ``proxy_config.load_config(...)``)."""
    queued: dict[str, str] = field(default_factory=dict)
    """Task-queue tasks (``@shared_task``, ``@dramatiq.actor``): local qualified name -> the library."""

    def qualify(self, local: str) -> str:
        return f"{self.module}.{local}" if self.module else local

    def root_reason(self, local: str) -> str | None:
        """Why ``local`` or a function it is nested in is a root."""
        current: str | None = local
        while current is not None:
            why = self.roots.get(current)
            if why is not None:
                return why
            current = self.parents.get(current)
        return None


def is_test_module(module_name: str, path: str | None = None) -> bool:
    parts = module_name.split(".") if module_name and module_name != "__main__" else []
    if not parts and path:
        parts = [path.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".py")]
    if any(part in ("tests", "test") for part in parts[:-1]):
        return True
    last = parts[-1] if parts else ""
    return last in ("tests", "test", "conftest") or last.startswith("test_") or last.endswith("_test")


def file_roles(module: ModuleContext, names: WorkspaceLookup | None = None) -> FileRoles:
    """The roots and uses of the file ``module`` analyses.

    ``names`` spells other files' names as the workspace does, when ``module``
    resolves without the index (another file: asking the index for every
    call it makes would summarise half the project).
    """
    name = module.symbols.module_name
    roles = FileRoles(name, is_test_module(name, module.path))
    builder = _Builder(module, roles, names or module.index)
    for chunk in module.chunks:
        if chunk.facts is not None:
            builder.chunk(chunk)
    return roles


class _Builder:
    def __init__(self, module: ModuleContext, roles: FileRoles, names: WorkspaceLookup | None) -> None:
        self.module = module
        self.names = names
        self.resolver: Resolver = module.resolver
        self.roles = roles
        self._lifespan_lines: set[int] | None = None
        self._rooted: dict[int, str] = {}
        """Calls and values handed to ``asyncio.run``, a lifespan or a hook: seen before they are recorded."""

    def chunk(self, chunk: Chunk) -> None:
        facts = chunk.facts
        main = _is_main_block(chunk)
        for fn in facts.functions:
            if fn.parent is not None:
                self.roles.parents[fn.qualname] = fn.parent.qualname
            if self.module.route(fn) is not None or self.module.is_dependency(fn):
                self.roles.entries.add(fn.qualname)  # ``async def test_connection()`` may be a route
                continue
            why = MAIN if main else self._decorated(fn) or _test_function(fn)
            if why is not None:
                self.roles.roots.setdefault(fn.qualname, why)
            elif any(self._registering(d, fn) for d in fn.decorators):
                self.roles.decorated.add(fn.qualname)  # registered by its decorator (a middleware, a handler)
        for statement in chunk.statements:
            if self._mentions_lifespan(chunk, statement):
                self._assigned_lifespans(statement)
        for call in facts.module_calls:
            self.call(call, MAIN if main else None)
        for fn in facts.functions:
            for call in fn.calls:
                self.call(call, None)

    # -- uses -----------------------------------------------------------------------------------
    def call(self, call: CallSite, main: str | None) -> None:
        fn = call.function
        caller = fn.qualname if fn is not None else None
        node = call.node
        callee = self.resolver.callee(node, fn)
        name = _short(node.func)
        if name is not None:
            target = self._workspace(callee)
            use = Use(caller, target, True, self._rooted.get(id(node)), _spawned(call))
            self.roles.uses.setdefault(name, []).append(use)
            if main is not None and call.function is None:
                self._root_value(node.func, None, main)
        self._roots_of(call, callee)
        for argument in [*node.args, *(k.value for k in node.keywords)]:
            short = _short(argument) if type(argument) in (ast.Name, ast.Attribute) else None
            if short is not None:
                value = self.resolver.value_of(argument, fn)
                target = self._workspace(value.qualname) if type(value) is Ref else None
                use = Use(caller, target, False, self._rooted.get(id(argument)))
                self.roles.uses.setdefault(short, []).append(use)

    def _workspace(self, qualname: str | None) -> str | None:
        """A name as the workspace spells it (``ee.onyx.main`` is ``backend.ee.onyx.main``)."""
        if qualname is None or self.names is None or self.module.is_own(qualname):
            return qualname
        split = self.names.module_of(qualname)
        if split is None:
            return qualname
        return f"{split[0]}.{split[1]}" if split[1] else split[0]

    # -- roots --------------------------------------------------------------------------------
    def _roots_of(self, call: CallSite, callee: str | None) -> None:
        node, fn = call.node, call.function
        for keyword in node.keywords:
            if keyword.arg is not None and "lifespan" in keyword.arg:  # also ``lifespan_override=``
                self._root_value(keyword.value, fn, LIFESPAN)
            elif keyword.arg in _HOOK_KEYWORDS and type(keyword.value) in (ast.List, ast.Tuple):
                for element in keyword.value.elts:
                    self._root_value(element, fn, HOOK)
        func = node.func
        if type(func) is ast.Attribute and func.attr == "add_event_handler" and len(node.args) >= 2:
            self._root_value(node.args[1], fn, HOOK)
        if callee in _LOOP_RUNNERS or (type(func) is ast.Attribute and func.attr == "run_until_complete"):
            if node.args:
                self._coroutine(node.args[0], fn)
            return
        for position, argument in enumerate(node.args[:-1]):  # ``executor.submit(asyncio.run, main())``
            value = self.resolver.value_of(argument, fn) if type(argument) in (ast.Name, ast.Attribute) else None
            if type(value) is Ref and value.qualname in _LOOP_RUNNERS:
                self._coroutine(node.args[position + 1], fn)
                return

    def _coroutine(self, expr: ast.expr, fn: FunctionInfo | None) -> None:
        """What ``asyncio.run(expr)`` runs: that use of it runs on a loop of its own."""
        if type(expr) is ast.Call:
            if self.resolver.callee(expr, fn) in _AWAITABLE_WRAPPERS:
                for argument in expr.args:
                    self._coroutine(argument, fn)
                return
            self._rooted[id(expr)] = PRIVATE_LOOP
        elif type(expr) in (ast.Name, ast.Attribute):
            self._rooted[id(expr)] = PRIVATE_LOOP

    def _root_value(self, expr: ast.expr, fn: FunctionInfo | None, why: str) -> None:
        """``expr`` names a function run as ``why``: a root when it is of this file, and that use is marked."""
        if type(expr) is ast.BoolOp:  # ``lifespan=override or lifespan``
            for value in expr.values:
                self._root_value(value, fn, why)
            return
        if type(expr) is ast.IfExp:
            self._root_value(expr.body, fn, why)
            self._root_value(expr.orelse, fn, why)
            return
        if type(expr) is ast.Call:  # ``lifespan=make_lifespan(...)``: the closures the factory returns
            self._rooted[id(expr)] = why
            factory = self.resolver.callee(expr, fn)
            local = self.resolver.local_function(factory) if factory else None
            if local is not None:
                for nested in local.nested:
                    self.roles.roots.setdefault(nested.qualname, why)
            return
        if type(expr) not in (ast.Name, ast.Attribute):
            return
        self._rooted[id(expr)] = why
        value = self.resolver.value_of(expr, fn)
        local = self.resolver.local_function(value.qualname) if type(value) is Ref else None
        if local is not None:
            self.roles.roots.setdefault(local.qualname, why)

    def _mentions_lifespan(self, chunk: Chunk, statement: ast.stmt) -> bool:
        """Whether the statement's text spells ``lifespan`` (walking every statement of a large file costs)."""
        if chunk.text:
            return "lifespan" in chunk.text
        if self._lifespan_lines is None:
            text = self.module.text
            self._lifespan_lines = (
                {text.count("\n", 0, m.start()) for m in re.finditer("lifespan", text)} if text is not None else None
            )
            if self._lifespan_lines is None:
                return True  # no text to tell: walk it
        first = chunk.origin + statement.lineno - 1
        last = chunk.origin + (statement.end_lineno or statement.lineno) - 1
        return any(first <= line <= last for line in self._lifespan_lines)

    def _assigned_lifespans(self, statement: ast.stmt) -> None:
        """``app_kwargs["lifespan"] = handler``, ``app.router.lifespan_context = handler``."""
        for node in ast.walk(statement):
            if type(node) is not ast.Assign:
                continue
            for target in node.targets:
                named = (
                    type(target) is ast.Subscript
                    and type(target.slice) is ast.Constant
                    and target.slice.value == "lifespan"
                ) or (type(target) is ast.Attribute and target.attr == "lifespan_context")
                if named:
                    self._root_value(node.value, self._function_at(node), LIFESPAN)

    def _function_at(self, node: ast.AST) -> FunctionInfo | None:
        line = getattr(node, "lineno", 0)
        best = None
        for fn in self.module.symbols.all_functions.values():
            start, end = fn.node.lineno, getattr(fn.node, "end_lineno", fn.node.lineno)
            if start <= line <= end and (best is None or start >= best.node.lineno):
                best = fn
        return best

    def _decorated(self, fn: FunctionInfo, depth: int = 0) -> str | None:
        owner = fn.owner
        if owner is not None and depth == 0 and self._cli_class(owner.node.decorator_list, fn):
            return CLI  # ``@cappa.command class Init: async def __call__(self)``
        for decorator in fn.decorators:
            target = decorator.func if type(decorator) is ast.Call else decorator
            if type(target) is ast.Attribute and target.attr == "on_event":
                return HOOK
            value = self.resolver.value_of(target, fn.parent)
            qualname = value.qualname if type(value) is Ref else ""
            if qualname.startswith(_TEST_DECORATORS):
                return TEST
            queue = _TASK_DECORATORS.get(qualname) or (
                self._task_queue(target.value, fn) if type(target) is ast.Attribute and target.attr in ("task", "actor", "job") else None
            )
            if queue is not None:
                self.roles.queued[fn.qualname] = queue
                return WORKER
            if qualname.startswith(_CLI_PACKAGES):
                return CLI if depth or _short(target) in ("command", "group", "callback", "default", "invoke") else None
            cli = type(target) is ast.Attribute and target.attr in ("command", "group", "callback")
            if cli and depth < 3 and self._cli_object(target.value, fn):
                return CLI
        return None

    def _registering(self, decorator: ast.expr, fn: FunctionInfo) -> bool:
        """A decorator that may hand the function to something else; not one that only wraps it."""
        target = decorator.func if type(decorator) is ast.Call else decorator
        value = self.resolver.value_of(target, fn.parent)
        return not (type(value) is Ref and value.qualname in _WRAPPERS)

    def _cli_class(self, decorators: list[ast.expr], fn: FunctionInfo) -> bool:
        for decorator in decorators:
            target = decorator.func if type(decorator) is ast.Call else decorator
            value = self.resolver.value_of(target, fn.parent)
            if type(value) is Ref and value.qualname.startswith(_CLI_PACKAGES):
                return True
        return False

    def _cli_object(self, expr: ast.expr, fn: FunctionInfo) -> bool:
        """``app = typer.Typer()``, or a function made a group by ``@click.group()``."""
        value = self.resolver.value_of(expr, fn.parent)
        if type(value) is Instance:
            return value.type.startswith(_CLI_PACKAGES)
        if type(value) is Ref:
            if value.qualname.startswith(_CLI_PACKAGES):
                return True
            group = self.resolver.local_function(value.qualname)
            return group is not None and self._decorated(group, 1) == CLI
        return False

    def _task_queue(self, expr: ast.expr, fn: FunctionInfo) -> str | None:
        """The task-queue library of ``app`` in ``@app.task``: ``celery`` for ``app = Celery(...)``."""
        value = self.resolver.value_of(expr, fn.parent)
        if type(value) is Instance:
            made = value.type
        elif type(value) is Ref:
            made = value.qualname
        elif type(expr) is ast.Name and not fn.binds_locally(expr.id):
            binding = self.module.symbols.bindings.get(expr.id)
            call = binding.value if binding is not None and binding.kind == "var" else None
            made = (self.resolver.callee(call, None) or "") if type(call) is ast.Call else ""
        else:
            made = ""
        library = made.partition(".")[0]
        return library if library in _TASK_QUEUES else None


def _short(expr: ast.expr) -> str | None:
    if type(expr) is ast.Name:
        return expr.id
    if type(expr) is ast.Attribute:
        return expr.attr
    return None


def _spawned(call: CallSite) -> bool:
    parent = call.parent
    if type(parent) is ast.keyword:
        return False
    if type(parent) is not ast.Call or parent.func is call.node:
        return False
    return _short(parent.func) in _SPAWNERS


def _test_function(fn: FunctionInfo) -> str | None:
    """``async def test_*`` at module level or in a ``Test*`` class: pytest runs it, no server does."""
    if not fn.is_async or not fn.name.startswith("test") or fn.parent is not None:
        return None
    if fn.class_name is None or fn.class_name.startswith("Test"):
        return TEST
    return None


def _is_main_block(chunk: Chunk) -> bool:
    statement = chunk.statements[0] if len(chunk.statements) == 1 else None
    if type(statement) is not ast.If or type(statement.test) is not ast.Compare:
        return False
    test = statement.test
    sides = [test.left, *test.comparators]
    names = {s.id for s in sides if type(s) is ast.Name}
    constants = {s.value for s in sides if type(s) is ast.Constant}
    return len(test.ops) == 1 and type(test.ops[0]) is ast.Eq and names == {"__name__"} and constants == {"__main__"}

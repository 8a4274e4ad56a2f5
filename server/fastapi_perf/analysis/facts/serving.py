"""Does a coroutine serve requests? The judgement that keeps the event-loop rules quiet where none wait.

The event-loop rules are about requests waiting for each other. Code that
runs before the first request or after the last, in a terminal, on a
private event loop, in a task-queue worker or under pytest blocks none of
them; findings there were a fifth of all findings on real applications. A
function serves no request when:

- its file is test code, or it is a *root* (see :mod:`entry_points`), or
  is nested in one;
- or it is called, and every call of it in the workspace is made by a
  function that serves no request (transitively), none of them as a task
  spawned on the running loop (``create_task(watch())`` started by the
  lifespan runs beside the requests) and none handing it on as a value
  (``add_task(fn)``, ``Depends(fn)``: then anything may call it). Calls
  at module level run at import, before any request.

Anything unknown serves requests: a route, a dependency, a function nobody
calls (registered dynamically, an exported API), a method called on an
object of unknown type somewhere.

Other files are found by their text (those that spell the function's name),
parsed once, and kept as plain data (:class:`entry_points.FileRoles`),
checked against the file's text on each use. Callers are searched for only
when there is evidence to start from: a call in the function's own file by
code that serves no request, or a root of another file that reaches it
(``lifespan`` in ``app.py`` awaits ``server.init_async()`` of
``server.py``). In the editor, the list of files that spell a name is taken
once per workspace: a call added in another file later is seen once that
file is checked or the server restarts.
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from ..names.modules import content_digest
from ..names.symbols import ModuleSymbols
from ..source.facts import FunctionInfo
from .entry_points import CLOSURES, PRIVATE_LOOP, TEST, FileRoles, Use, file_roles, is_test_module
from .module_context import ModuleContext

if TYPE_CHECKING:
    from ..names.lookup import WorkspaceLookup

_MAX_DEPTH = 6
_REACH_DEPTH = 5
_MARKERS = re.compile(rb"lifespan|on_event|add_event_handler|on_startup|on_shutdown|asyncio\.run\(|run_until_complete\(|anyio\.run\(")
_BUSY = object()
_OWN: weakref.WeakKeyDictionary[ModuleContext, FileRoles] = weakref.WeakKeyDictionary()
_WORKSPACES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def no_request_reason(fn: FunctionInfo, module: ModuleContext) -> str | None:
    """Why ``fn`` serves no request (``"the application's lifespan"``), or None when it may serve one."""
    own = _OWN.get(module)
    if own is None:
        own = _OWN[module] = file_roles(module)
    if own.test:
        return TEST
    workspace = _workspace(module.index)
    judge = _judges(module, own, workspace)
    found = judge.verdict(own, fn.qualname, 0)
    if found is not None and workspace is not None:
        for other in judge.consulted - judge.recorded:
            workspace.index.summary(other)  # the verdict depends on that file: cached results must know
        judge.recorded |= judge.consulted
    return found


def called_directly(fn: FunctionInfo, module: ModuleContext) -> bool:
    """Whether code in this file or another calls ``fn`` itself, not through FastAPI (``await get_user(request)``).

    Turning such a function into a ``def`` breaks that code: its callers
    await a coroutine, gather it or make a task of it. A method called on an
    object of unknown type counts, since it may be this one.
    """
    own = _OWN.get(module)
    if own is None:
        own = _OWN[module] = file_roles(module)
    target = own.qualify(fn.qualname)
    if any(use.called and _may_be(use, target) for use in own.uses.get(fn.name, ())):
        return True
    workspace = _workspace(module.index)
    if workspace is None:
        return False
    for other in workspace.mentioning(fn.name, called=True):
        if other == own.module:
            continue
        roles = workspace.roles(other)
        if roles is None or any(use.called and _may_be(use, target) for use in roles.uses.get(fn.name, ())):
            return True
    return False


def task_queue(qualname: str, module: ModuleContext) -> str | None:
    """The task-queue library (``celery``, ``dramatiq``...) whose task ``qualname`` is, in this file or another."""
    own = _OWN.get(module)
    if own is None:
        own = _OWN[module] = file_roles(module)
    prefix = own.qualify("")
    if qualname.startswith(prefix):
        return own.queued.get(qualname[len(prefix):])
    workspace = _workspace(module.index)
    split = workspace.index.module_of(qualname) if workspace is not None else None
    if split is None:
        return None
    roles = workspace.roles(split[0])
    return roles.queued.get(split[1]) if roles is not None else None


def _workspace(index: WorkspaceLookup | None) -> _Workspace | None:
    if index is None:
        return None
    found = _WORKSPACES.get(index)
    if found is None:
        found = _WORKSPACES[index] = _Workspace(index)
    return found


_JUDGES: weakref.WeakKeyDictionary[ModuleContext, _Judge] = weakref.WeakKeyDictionary()


def _judges(module: ModuleContext, own: FileRoles, workspace: _Workspace | None) -> _Judge:
    judge = _JUDGES.get(module)
    if judge is None:
        judge = _JUDGES[module] = _Judge(own, workspace)
    return judge


class _Judge:
    """One file's questions: verdicts memoised for one version of the file."""

    def __init__(self, own: FileRoles, workspace: _Workspace | None) -> None:
        self.own = own
        self.workspace = workspace
        self.memo: dict[tuple[str, str], object] = {}
        self.consulted: set[str] = set()
        """Other files whose calls a verdict rested on."""
        self.recorded: set[str] = set()

    def verdict(self, roles: FileRoles, local: str, depth: int) -> str | None:
        if roles.test:
            return TEST
        why = roles.roots.get(local)
        if why is not None:
            return why
        if depth > _MAX_DEPTH or _in_entry(roles, local):
            return None  # a route, a dependency, or a closure of one: it runs per request
        key = (roles.module, local)
        known = self.memo.get(key)
        if known is _BUSY:
            return "code that calls itself"  # a cycle: what the outer call decides
        if key in self.memo:
            return known  # type: ignore[return-value]
        self.memo[key] = _BUSY
        found = self._callers(roles, local, depth)
        self.memo[key] = found
        return found

    def _callers(self, roles: FileRoles, local: str, depth: int) -> str | None:
        name = local.rpartition(".")[2]
        target = roles.qualify(local)
        uses = [u for u in roles.uses.get(name, ()) if _may_be(u, target) and not _inside(u.caller, local)]
        reached = self.workspace.reached().get(target) if self.workspace is not None else None
        if reached is not None and reached[1] < 0:
            return reached[0]  # returned by a factory another file runs as a lifespan: ``lifespan=make_lifespan()``
        if not uses and reached is None:
            # Nothing in this file shows who calls it; a closure of a start-up hook or a
            # command (called nowhere else) runs where that function runs.
            parent = roles.parents.get(local)
            return roles.root_reason(parent) if parent is not None else None
        reasons: list[str] = []
        for use in uses:
            why = self._use(roles, use, depth)
            if why is None:
                return None
            reasons.append(why)
        if self.workspace is not None:
            for other in self.workspace.mentioning(name):
                if other == roles.module or other == self.own.module:
                    continue
                if is_test_module(other):
                    continue
                found = self.workspace.roles(other)
                if found is None:
                    return None  # spelled there, but unreadable: unknown
                self.consulted.add(other)
                for use in found.uses.get(name, ()):
                    if not _may_be(use, target):
                        continue
                    why = self._use(found, use, depth)
                    if why is None:
                        return None
                    reasons.append(why)
        if not reasons:
            return None
        first = next((r for r in reasons if not r.startswith("called only")), reasons[0])
        return first if first.startswith("called only") else f"called only from {first}"

    def _use(self, roles: FileRoles, use: Use, depth: int) -> str | None:
        if use.private:
            return PRIVATE_LOOP
        if use.spawned or not use.called and use.caller is None:
            return None
        if use.caller is None:
            return "code run at import"
        return self.verdict(roles, use.caller, depth + 1)


def _in_entry(roles: FileRoles, local: str) -> bool:
    current: str | None = local
    while current is not None:
        if current in roles.entries:
            return True
        current = roles.parents.get(current)
    return False


def _may_be(use: Use, target: str) -> bool:
    """A use that may be of ``target``: resolved to it, or to nothing known (a method of an unknown object)."""
    return use.callee is None or use.callee == target


def _inside(caller: str | None, local: str) -> bool:
    return caller is not None and (caller == local or caller.startswith(local + "."))


class _Workspace:
    """Per index: other files' roles, which files spell a name, and what roots of the workspace reach."""

    def __init__(self, index: WorkspaceLookup) -> None:
        self.index = index
        self._texts: dict[str, bytes] | None = None
        self._mentions: dict[str, tuple[str, ...]] = {}
        self._roles: dict[str, tuple[bytes, FileRoles | None]] = {}
        self._reached: dict[str, tuple[str, int]] | None = None

    def texts(self) -> dict[str, bytes]:
        if self._texts is None:
            texts = {}
            for module, path in self.index.files.items():
                text = self.index.read(path)
                if text is not None:
                    texts[module] = text.encode("utf-8", "surrogatepass")
            self._texts = texts
        return self._texts

    def mentioning(self, name: str, called: bool = False) -> tuple[str, ...]:
        """Modules whose text spells ``name`` (``called``: as a call, ``name(``)."""
        key = f"{name}(" if called else name
        found = self._mentions.get(key)
        if found is None:
            word = name.encode()
            pattern = re.compile(rb"\b" + re.escape(word) + (rb"\s*\(" if called else rb"\b"))
            found = tuple(m for m, text in self.texts().items() if word in text and pattern.search(text))
            self._mentions[key] = found
        return found

    def roles(self, module: str) -> FileRoles | None:
        """The roles of another file, parsed once per text of it."""
        path = self.index.files.get(module)
        if path is None:
            return None
        text = self.index.read(path)
        if text is None:
            return None
        digest = content_digest(text.encode("utf-8", "surrogatepass"))
        cached = self._roles.get(module)
        if cached is not None and cached[0] == digest:
            return cached[1]
        roles = _parse_roles(self.index, module, path)
        self._roles[module] = (digest, roles)
        return roles

    def reached(self) -> dict[str, tuple[str, int]]:
        """Workspace names reached from the roots of files that spell a start-up hook, a lifespan or
        ``asyncio.run``: why, and in how many calls (-1: a closure of a factory another file runs as a lifespan)."""
        if self._reached is not None:
            return self._reached
        self._reached = reached = {}
        frontier: list[tuple[str, str, int]] = []
        for module, text in self.texts().items():
            if is_test_module(module) or not _MARKERS.search(text):
                continue
            roles = self.roles(module)
            if roles is None:
                continue
            for local, why in roles.roots.items():
                frontier.append((roles.qualify(local), why, 0))
            for target, why in roles.seeds:
                frontier.append((target, why, 0))
        frontier.reverse()
        while frontier:
            target, why, depth = frontier.pop()
            if target in reached and reached[target][1] <= depth:
                continue
            split = self.index.module_of(target.removesuffix(CLOSURES))
            roles = self.roles(split[0]) if split is not None else None
            if target.endswith(CLOSURES):
                if roles is not None:
                    factory = split[1]
                    frontier += [(roles.qualify(n), why, -1) for n, parent in roles.parents.items() if parent == factory]
                continue
            reached[target] = (why, depth)
            if depth >= _REACH_DEPTH or roles is None:
                continue
            for callee in roles.calls.get(split[1], ()):
                if callee not in reached:
                    frontier.append((callee, why, depth + 1))
        return reached


def _parse_roles(index: WorkspaceLookup, module: str, path: Path) -> FileRoles | None:
    parsed = index.parse(path)
    if parsed is None:
        return None
    _, chunks, owned = parsed
    symbols = ModuleSymbols.merge([c.facts for c in chunks], module, path.name == "__init__.py")
    context = ModuleContext(chunks, symbols, index.options, str(path), index=index)
    try:
        return file_roles(context)
    finally:
        context.release(trees=owned)

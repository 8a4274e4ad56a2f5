"""Does a coroutine serve requests? The judgement that keeps the event-loop rules quiet where none wait.

The event-loop rules are about requests waiting for each other. Code that
runs before the first request or after the last, in a terminal, on a
private event loop, in a task-queue worker or under pytest blocks none of
them; findings there were a fifth of all findings on real applications. A
function serves no request when:

- its file is test code, or it is a *root* (see :mod:`entry_points`);
- or it is used, and every use of it in the workspace serves no request:
  made by a function that serves none (transitively), or one that runs it
  where no request waits (``asyncio.run(f())``, ``lifespan=f``,
  ``lifespan=make_lifespan()`` for the closures the factory returns), at
  module level (at import, before any request) — and none as a task
  spawned on the running loop (``create_task(watch())`` started by the
  lifespan runs beside the requests) nor handing it on as a value
  (``add_task(fn)``, ``Depends(fn)``: then anything may call it);
- or it is a closure that nothing calls, of a function that serves no request.

Anything unknown serves requests: a route, a dependency or a closure of one,
a function nobody calls (registered dynamically, an exported API), a method
called on an object of unknown type somewhere.

Other files are found by their text (those that spell the function's name),
parsed once, and kept as plain data (:class:`entry_points.FileRoles`),
checked against the file's text on each use. Callers in other files are
searched for when the function's own file calls it, or when few other files
(:data:`_FEW_FILES`, tests aside) spell its name: ``server.init_async()`` is
awaited by the lifespan of ``app.py`` only; a method called ``get`` or
``run`` is left unknown. In the editor, the list of files that spell a name
is taken once per workspace: a call added in another file later is seen once
that file is checked or the server restarts.
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from ..names.modules import content_digest
from ..names.symbols import ModuleSymbols
from ..source.facts import FunctionInfo
from .entry_points import TEST, FileRoles, Use, file_roles, is_test_module
from .module_context import ModuleContext

if TYPE_CHECKING:
    from ..names.lookup import WorkspaceLookup

_MAX_DEPTH = 6
_FEW_FILES = 6
_BUSY = object()
_CYCLE = "code that calls itself"
"""A function reached again while its callers are being judged: no evidence either way (the greatest fixpoint)."""
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
            return _CYCLE  # what the outer call decides
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
        if not uses and not self._spelled_in_few_files(name, roles.module):
            return self._closure(roles, local, depth)
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
            return self._closure(roles, local, depth) if not uses else None
        known = [r for r in reasons if r != _CYCLE] or reasons
        first = next((r for r in known if not r.startswith("called only")), known[0])
        return first if first.startswith("called only") else f"called only from {first}"

    def _closure(self, roles: FileRoles, local: str, depth: int) -> str | None:
        """Nothing shows who calls it: a closure runs where the function that makes it hands it
        (``lifespan=make_lifespan()`` in another file); anything else is unknown."""
        parent = roles.parents.get(local)
        if parent is None or local in roles.decorated:
            return None  # a decorator may have registered it: ``@app.middleware("http")`` in a factory
        return self.verdict(roles, parent, depth + 1)

    def _spelled_in_few_files(self, name: str, module: str) -> bool:
        """A method called only from other files (``transform.transform_file(...)``) is judged by those
        calls when few files spell its name; a common name (``get``, ``run``) is left unknown."""
        if self.workspace is None:
            return False
        others = [m for m in self.workspace.mentioning(name) if m != module and not is_test_module(m)]
        return 0 < len(others) <= _FEW_FILES

    def _use(self, roles: FileRoles, use: Use, depth: int) -> str | None:
        if use.root is not None:
            return use.root
        if use.spawned or not use.called:
            return None  # a task beside the requests, or a value handed on: whoever gets it may call it anywhere
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


# A name not right after ``def `` (which defines it: a file that only does that uses it nowhere).
_SPELLED = re.compile(rb"(?<!def )\b([A-Za-z_][A-Za-z0-9_]*)")
_CALLED = re.compile(rb"(?<!def )\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def spelled_names(text: bytes, called: bool = False) -> frozenset[bytes]:
    """Every name ``text`` spells other than in its ``def`` (``called``: followed by ``(``).

    One pass per file, then a set lookup per name: searching every file for
    each name with a regular expression that opens with a look-behind tries
    it at every offset, and made FAP201 half a CLI run on a large project.
    """
    return frozenset((_CALLED if called else _SPELLED).findall(text))


class _Workspace:
    """Per index: other files' roles, which files spell a name, and what roots of the workspace reach."""

    def __init__(self, index: WorkspaceLookup) -> None:
        self.index = index
        self._texts: dict[str, bytes] | None = None
        self._mentions: dict[str, tuple[str, ...]] = {}
        self._spelled: dict[str, frozenset[bytes]] | None = None
        self._called: dict[str, frozenset[bytes]] | None = None
        self._roles: dict[str, tuple[bytes, FileRoles | None]] = {}

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
        """Modules whose text spells ``name`` other than in its ``def`` (``called``: as a call, ``name(``)."""
        key = f"{name}(" if called else name
        found = self._mentions.get(key)
        if found is None:
            names = self._called if called else self._spelled
            if names is None:
                names = {module: spelled_names(text, called) for module, text in self.texts().items()}
                if called:
                    self._called = names
                else:
                    self._spelled = names
            word = name.encode()
            found = tuple(module for module, spelled in names.items() if word in spelled)
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


def _parse_roles(index: WorkspaceLookup, module: str, path: Path) -> FileRoles | None:
    parsed = index.parse(path)
    if parsed is None:
        return None
    text, chunks, owned = parsed
    symbols = ModuleSymbols.merge([c.facts for c in chunks], module, path.name == "__init__.py")
    context = ModuleContext(chunks, symbols, index.options_for(path), str(path), text=text)
    try:
        return file_roles(context, names=index)
    finally:
        context.release(trees=owned)

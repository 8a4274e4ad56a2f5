from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from ...analysis import DependencyFacts, Effect, Finding, FunctionInfo, Node, RuleContext, function_facts
from ..base import Category, Rule
from .common import related, route_tree


class DuplicateDependencyFetch(Rule):
    """
    ## What it does
    Checks for routes whose dependency tree contains two *different*
    callables that load the same data, so that FastAPI's per-request cache
    cannot share it:

    - a dependency that calls another dependency function directly
      (`user = await get_current_user(request)` in a permission class) while
      that function also runs as a dependency of the same request, or two
      dependencies that each call it;
    - two dependencies that fetch the same model by the same key
      (`db.get(Item, item_id)`, `select(Item).where(Item.id == item_id)`,
      `db.query(Item).filter(...).first()`);
    - two dependencies that call the same loader with a session and the same
      request values (`log_in_with_token(session, token.credentials)`);
    - two dependencies that load the same model from the same request values,
      each its own way: a guard that decodes the token and queries the user
      itself beside the route's `Depends(get_current_user)`, also when the
      guard's query is in a helper it calls (`load_user(db, token)`).

    Keys compare by where values come from: a path or query parameter by
    name, another dependency by callable, a module constant. The tree is
    resolved across files as for FAP401. Only loads on the unconditional
    path of each callable count, and a memoised loader (`@lru_cache`, a
    cache lookup) is not a load.

    ## Why is this bad?
    FastAPI caches a dependency's value per request by callable: depending
    on `get_current_user` from three places runs it once. Calling it
    directly, or loading the same row in a second dependency, bypasses that
    cache and repeats the query (and often the token verification) on every
    request. Measured with `python tests/benchmarks/bench_dependencies.py`
    (FastAPI 0.165, SQLAlchemy 2.1.9, file SQLite, requests driven through
    the ASGI app in-process, three runs on a shared 2-core machine): a
    second dependency that loads the current user again with `select(...)`
    made each request 13–22 % slower than one that chains on
    `get_current_user` (2.70 ms against 2.37 ms median in one run; a
    database across the network adds a round trip on top). A second
    `session.get` through the *same* session cost nothing (0.93–0.97×):
    the session's identity map answers it without a query, so two `get`s
    through one session are not reported. The default severity is
    *warning*: the cost is one query per request on every route that uses
    both dependencies.

    ## Example
    ```python
    from fastapi import Depends, FastAPI, Header, Request
    from sqlalchemy.orm import Session

    from .database import get_db
    from .models import User

    app = FastAPI()


    def get_current_user(x_user: int = Header(), db: Session = Depends(get_db)):
        return db.get(User, x_user)


    class RequireAdmin:
        def __call__(self, x_user: int = Header(), db: Session = Depends(get_db)):
            user = get_current_user(x_user, db)
            if not user.is_admin:
                raise PermissionError
            return user


    @app.get("/admin/stats")
    def stats(user=Depends(get_current_user), admin=Depends(RequireAdmin())):
        return {"user": user.id}
    ```

    Use instead:
    ```python
    from fastapi import Depends, FastAPI

    from .database import get_db
    from .models import User

    app = FastAPI()


    def get_current_user(x_user: int, db=Depends(get_db)):
        return db.get(User, x_user)


    class RequireAdmin:
        def __call__(self, user=Depends(get_current_user)):
            if not user.is_admin:
                raise PermissionError
            return user


    @app.get("/admin/stats")
    def stats(user=Depends(get_current_user), admin=Depends(RequireAdmin())):
        return {"user": user.id}
    ```

    ## Fix safety
    No fix is offered: chaining one dependency on the other changes its
    signature.

    ## References
    - [FastAPI: Sub-dependencies, using the same dependency multiple times](https://fastapi.tiangolo.com/tutorial/dependencies/sub-dependencies/#using-the-same-dependency-multiple-times)
    - [FastAPI: Classes as dependencies](https://fastapi.tiangolo.com/tutorial/dependencies/classes-as-dependencies/)
    """

    code = "FAP402"
    name = "duplicate-dependency-fetch"
    category: ClassVar[Category] = Category.DEPENDENCIES
    summary = "Two different dependencies of one request load the same data"

    def visit_function(self, fn: FunctionInfo, ctx: RuleContext) -> Iterable[Finding]:
        found = route_tree(fn, ctx)
        if found is None:
            return
        _, nodes = found
        duplicate = _first_duplicate(nodes, ctx)
        if duplicate is None:
            return
        (first, first_effect), (second, second_effect) = sorted(duplicate, key=lambda pair: bool(pair[1].label))
        what = _what(first_effect, second_effect)
        message = (
            f"`{fn.name}` loads the same data twice per request: `{first.ref.label}` and `{second.ref.label}` "
            f"{what}; FastAPI shares a value only within one dependency, so make one depend on the other"
        )
        notes = related(first_effect.site, _note(first, first_effect)) + related(second_effect.site, _note(second, second_effect))
        yield ctx.finding(self.code, ctx.name_range(fn), message, related=notes)


def _first_duplicate(nodes: list[Node], ctx: RuleContext) -> tuple[tuple[Node, Effect], tuple[Node, Effect]] | None:
    seen: dict[tuple[str, ...], tuple[Node, Effect]] = {}
    loaders: dict[str, bool] = {}
    for node in nodes:
        for effect in _loads(node):
            other = seen.get(effect.key)
            if other is None:
                seen[effect.key] = (node, effect)
            elif other[0].ref.identity != node.ref.identity and not (effect.via and effect.via == other[1].via):
                if effect.key[0] == "callable" and not _loader(effect.key[1], loaders, ctx):
                    continue
                if _made(other[0]) and _made(node) and other[0].ref.target == node.ref.target:
                    continue  # two closures of one factory: each captured its own arguments
                return other, (node, effect)
    return _same_credential(nodes)


def _same_credential(nodes: list[Node]) -> tuple[tuple[Node, Effect], tuple[Node, Effect]] | None:
    """Two dependencies that load one model from the same request values (the current user from the token),
    each its own way: ``get_current_user`` and a guard that decodes the token and queries the user again."""
    seen: dict[tuple[str, ...], tuple[Node, Effect]] = {}
    for node in nodes:
        facts = node.facts
        if facts is None or facts.memoized or facts.reads_cache:
            continue
        for effect in facts.loads:
            if effect.credential is None:
                continue
            other = seen.setdefault(effect.credential, (node, effect))
            if other[0].ref.identity != node.ref.identity and not (effect.via and effect.via == other[1].via):
                return other, (node, effect)
    return None


def _loads(node: Node) -> list[Effect]:
    """What a node loads: its own fetches, itself when it loads, and its direct calls to functions of the workspace.

    Whether a called function loads anything is asked only when two nodes
    share it (:func:`_loader`): most direct calls are to helpers nothing else
    calls, and asking about one in another file costs a parse of that file.
    """
    facts = node.facts
    if facts is None or facts.memoized or facts.reads_cache:
        return []
    effects = list(facts.loads)
    if node.ref.kind == "function" and node.ref.target and (facts.loads or facts.queries) and node.definition is not None:
        # Two closures of one factory are two callables, not one run twice.
        effects.insert(0, Effect(("callable", node.ref.identity if _made(node) else node.ref.target), "", node.definition))
    effects += facts.calls
    return effects


def _made(node: Node) -> bool:
    """A closure a factory makes per call (``Depends(get_repository(Repo))``)."""
    return bool(node.ref.target) and node.ref.identity.startswith(f"{node.ref.target}()@")


def _loader(qualname: str, known: dict[str, bool], ctx: RuleContext) -> bool:
    """A function that loads data on every call and remembers nothing across requests."""
    if qualname not in known:
        callee = _facts_of(qualname, ctx)
        known[qualname] = callee is not None and not callee.memoized and not callee.reads_cache and bool(callee.loads or callee.queries)
    return known[qualname]


def _facts_of(qualname: str, ctx: RuleContext) -> DependencyFacts | None:
    return function_facts.of_function(qualname, ctx.module)


def _what(first: Effect, second: Effect) -> str:
    kind, target = first.key[0], first.key[1].rpartition(".")[2]
    if kind == "callable":
        if not first.label:
            return f"both run `{target}` (the second calls it directly, outside FastAPI's cache)"
        return f"each call `{target}(...)` directly"
    if kind == "model" and first.key == second.key:
        return f"both load `{target}` by the same key (`{first.label}`, `{second.label}`)"
    if first.credential is not None and first.credential == second.credential:
        model = first.credential[0].rpartition(".")[2]
        return f"both load `{model}` from the same request values (`{first.label}`, `{second.label}`)"
    return f"both call `{target}(...)` with the same arguments"


def _note(node: Node, effect: Effect) -> str:
    if effect.key[0] == "callable":
        if not effect.label:
            return f"`{node.ref.label}` runs as a dependency of this request"
        return f"`{node.ref.label}` calls `{effect.label}(...)` here, outside FastAPI's cache"
    return f"`{node.ref.label}` loads it here: `{effect.label}`"

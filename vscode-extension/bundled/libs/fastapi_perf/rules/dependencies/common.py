"""What the dependency rules share: a route's tree and locations for related information."""

from __future__ import annotations

from ...analysis.context import RuleContext
from ...analysis.dependency_facts import Site
from ...analysis.dependency_tree import Node, dependency_tree
from ...analysis.facts import FunctionInfo
from ...analysis.fastapi_model import Route
from ...analysis.findings import Related


def route_tree(fn: FunctionInfo, ctx: RuleContext) -> tuple[Route, list[Node]] | None:
    """The route ``fn`` is and its dependency tree, or None when it is no route."""
    route = ctx.route(fn)
    if route is None:
        return None
    return route, dependency_tree(route, ctx.module)


def related(site: Site | None, message: str) -> tuple[Related, ...]:
    if site is None:
        return ()
    return (Related(message, site.range, path=site.path, anchor=site.anchor),)

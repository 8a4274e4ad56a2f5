"""What the dependency rules share: a route's tree and locations for related information."""

from __future__ import annotations

from ...analysis import FunctionInfo, Node, Related, Route, RuleContext, Site, dependency_tree


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

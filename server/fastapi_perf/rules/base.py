"""The shape every rule has.

A rule is a class whose docstring is its documentation page (What it does /
Why is this bad? / Example / Use instead / Fix safety / Options /
References). It declares what it visits by overriding ``visit_call``,
``visit_function`` or ``visit_class``; the engine calls only the visitors a
rule overrides, in one pass shared by all rules.
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from ..analysis import Finding, Severity

if TYPE_CHECKING:
    from ..analysis import CallSite, ClassInfo, FunctionInfo, RuleContext


class Category(str, enum.Enum):
    SYNTAX = "syntax"
    BLOCKING = "blocking"
    ASYNC_DEF = "async-def"
    PYDANTIC = "pydantic"
    DEPENDENCIES = "dependencies"
    BACKGROUND = "background"
    CACHING = "caching"

    @property
    def title(self) -> str:
        return _CATEGORY_TITLES[self]


_CATEGORY_TITLES = {
    Category.SYNTAX: "Syntax",
    Category.BLOCKING: "Blocking the event loop",
    Category.ASYNC_DEF: "def vs async def",
    Category.PYDANTIC: "Pydantic v2",
    Category.DEPENDENCIES: "Dependency injection",
    Category.BACKGROUND: "Background work",
    Category.CACHING: "Caching and reuse",
}


class FixAvailability(str, enum.Enum):
    NONE = "none"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


class Rule:
    """Base class; see the module docstring."""

    code: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[Category]
    summary: ClassVar[str]
    """One line: what is wrong, for listings and hovers."""
    default_enabled: ClassVar[bool] = True
    default_severity: ClassVar[Severity] = Severity.WARNING
    fix_availability: ClassVar[FixAvailability] = FixAvailability.NONE
    fastapi_only: ClassVar[bool] = True
    """False for rules about any asyncio code (category 1, FAP601)."""
    reports_syntax_errors: ClassVar[bool] = False
    """The rule under whose code the engine reports a file's first syntax error (FAP000)."""
    coroutine_calls_only: ClassVar[bool] = False
    """``visit_call`` sees only calls an ``async def`` runs on the loop (not awaited, not in a lambda).

    The engine then tests that once per call for all such rules, instead of each rule."""

    def visit_call(self, call: CallSite, ctx: RuleContext) -> Iterable[Finding]:
        return ()

    def visit_function(self, fn: FunctionInfo, ctx: RuleContext) -> Iterable[Finding]:
        return ()

    def visit_class(self, cls: ClassInfo, ctx: RuleContext) -> Iterable[Finding]:
        return ()

    @classmethod
    def visits(cls) -> frozenset[str]:
        return frozenset(
            kind
            for kind in ("call", "function", "class")
            if getattr(cls, f"visit_{kind}") is not getattr(Rule, f"visit_{kind}")
        )

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def url(cls) -> str:
        return f"{DOCS_BASE_URL}{cls.code}.md"


DOCS_BASE_URL = "https://github.com/fastapi-perf/fastapi-perf/blob/main/docs/rules/"

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from ...analysis import (
    Applicability,
    CallSite,
    Edit,
    Finding,
    Fix,
    FunctionInfo,
    RuleContext,
    calls_named,
    module_alias,
)
from ...analysis import pydantic_model as pm
from ..base import Category, FixAvailability, Rule
from .common import constant_name, delete_line, module_constant, replace_reads, single_assignment
from .validator_work import CONSTANT_PATTERN, IO_WORK, inputs, repeated_work

_CONFIG_NAMES = ("Settings", "Config", "Configuration")


class HeavyValidator(Rule):
    """
    ## What it does
    Checks the bodies of Pydantic validators — `@field_validator`,
    `@model_validator`, `@validator`, `@root_validator` and functions passed
    to `AfterValidator`/`BeforeValidator`/`PlainValidator`/`WrapValidator`
    — for work that does not depend on the value being validated and is
    repeated on every call: `re.compile` of a constant pattern (a literal,
    a module-level constant, a settings value: `re.compile(PATTERN)`,
    `re.compile(settings.SKU_REGEX)`), a pattern rebuilt from settings
    (`"|".join(...)`, an f-string), a file read, a network or database call,
    a new HTTP/database/Redis client, a `TypeAdapter` or a `jsonschema`
    validator.

    Not reported: `re.match(PATTERN, v)` and the other module-level `re`
    functions with a constant or a name (they look the compiled pattern up
    in the `re` module's cache, which is what a hoisted constant saves); work on
    the value itself (compiling a pattern the user supplied, opening the
    path being validated, writing the value to a file: that is the
    validation's purpose); and validators of `BaseSettings` classes or of
    classes named `*Settings`, `*Config` or `*Configuration`, which are
    validated once, at start-up. A file read behind a helper function is
    not followed.

    ## Why is this bad?
    A request-body model is validated inside the request, on the event loop
    for `async def` endpoints, once per object: a list of 1,000 items runs
    an item validator 1,000 times. Measured with
    `tests/benchmarks/bench_pydantic.py` (pydantic 2.14, CPython 3.11, a
    shared and busy 2-core machine; medians of interleaved runs, which moved
    by up to 2× between runs, never by an order of magnitude), per
    validation of a one-field model (1.9 µs without a validator):

    | validator body | µs per call |
    |---|---:|
    | module-level `PATTERN.fullmatch(v)` | 2.8 |
    | `re.fullmatch(LITERAL, v)` | 3.5 |
    | `re.compile(LITERAL).fullmatch(v)`, `re` cache hit | 3.5 |
    | the same on a cache miss (a full compile) | 75–290 |
    | pattern rebuilt from 20 settings values | 53 |
    | `open()` + `json.load` of a small file (page cache warm) | 31 |
    | blocklist loaded once at import | 2.6 |
    | `TypeAdapter(...)` built in the body | 259 |
    | module-level `TypeAdapter` | 3.6 |
    | `create_model(...)` in the body | 407 |
    | `jsonschema.validate(doc, schema)` | 1,587 |
    | module-level `Draft202012Validator(schema).validate(doc)` | 39 |

    A constant `re.compile` in the body costs only a cache lookup while the
    pattern stays among the `re` module's 512 most recent, so its hoist is
    cheap insurance rather than a large win; the other cases cost 10–600×
    the validation itself, hence the default severity *warning*.

    ## Example
    ```python
    from fastapi import FastAPI
    from pydantic import BaseModel, field_validator

    app = FastAPI()


    class Signup(BaseModel):
        email: str

        @field_validator("email")
        @classmethod
        def check_domain(cls, v: str) -> str:
            with open("/etc/app/blocked_domains.txt") as f:
                blocked = set(f.read().split())
            if v.rpartition("@")[2] in blocked:
                raise ValueError("domain not allowed")
            return v


    @app.post("/signup")
    def signup(form: Signup):
        return {"email": form.email}
    ```

    Use instead:
    ```python
    from pathlib import Path

    from fastapi import FastAPI
    from pydantic import BaseModel, field_validator

    app = FastAPI()
    BLOCKED = frozenset(Path("/etc/app/blocked_domains.txt").read_text().split())


    class Signup(BaseModel):
        email: str

        @field_validator("email")
        @classmethod
        def check_domain(cls, v: str) -> str:
            if v.rpartition("@")[2] in BLOCKED:
                raise ValueError("domain not allowed")
            return v


    @app.post("/signup")
    def signup(form: Signup):
        return {"email": form.email}
    ```

    ## Fix safety
    For `re.compile` with a literal pattern and flags, the fix moves the
    call to a module-level constant named after the variable it was assigned
    to (`email_re = re.compile(...)` becomes `EMAIL_RE`, and the local
    goes) or after the validated field (`EMAIL_PATTERN`), and uses the
    constant in the body. It is safe: `re` returns the same
    compiled pattern; an invalid pattern now fails at import instead of at
    the first validation. A named pattern is reported without a fix (the
    name may be bound below the imports, or read from settings that are not
    loaded at import). The other findings have no automatic fix: decide
    where the loaded data or the client should live (a module constant, an
    `lru_cache`d loader, the application's lifespan).

    ## References
    - [Pydantic: Validators](https://docs.pydantic.dev/latest/concepts/validators/)
    - [Python docs: `re.compile` and the pattern cache](https://docs.python.org/3/library/re.html#re.compile)
    """

    code = "FAP302"
    name = "heavy-validator"
    category: ClassVar[Category] = Category.PYDANTIC
    summary = "A Pydantic validator repeats expensive set-up (a file read, a client, a compiled pattern) on every call"
    fix_availability: ClassVar[FixAvailability] = FixAvailability.SOMETIMES

    def __init__(self) -> None:
        self._targets: tuple[object, dict[str, str]] | None = None

    def visit_function(self, fn: FunctionInfo, ctx: RuleContext) -> Iterable[Finding]:
        validator = self._validator(fn, ctx)
        if validator is None:
            return
        given = inputs(fn)
        reported: set[str] = set()
        for site in fn.calls:
            work = None if site.in_lambda else repeated_work(site, fn, given, ctx)
            if work is None or (work[0] in IO_WORK and work[0] in reported):
                continue  # ``with open(p) as f: f.read()`` is one file read
            what, hoistable = work
            reported.add(what)
            call = ctx.source(site.node.func)
            if what == CONSTANT_PATTERN:
                message = (
                    f"`{call}(...)` looks its constant pattern up in the `re` cache on every call of validator "
                    f"`{fn.name}` (and recompiles it after an eviction); compile it once, at module level"
                )
            else:
                message = f"`{call}(...)` {what} on every call of validator `{fn.name}`; do it once, at module level"
            yield ctx.finding(self.code, site.node, message, fix=_hoist(site, fn, validator, ctx) if hoistable else None)

    def _validator(self, fn: FunctionInfo, ctx: RuleContext) -> pm.Validator | None:
        found = pm.validator_of(fn, ctx.resolver)
        if found is not None:
            owner = pm.owner_class(fn, ctx.chunk.facts.classes if ctx.chunk.facts else [])
            if owner is not None and (pm.class_kind(owner, ctx.resolver) == "settings" or owner.name.endswith(_CONFIG_NAMES)):
                return None  # validated once, when the application reads its configuration
            return found
        if fn.parent is not None or fn.class_name is not None:
            return None
        kind = self._annotated_targets(ctx).get(fn.name)
        return pm.Validator(kind, (), None) if kind else None

    def _annotated_targets(self, ctx: RuleContext) -> dict[str, str]:
        """Functions of this file passed to ``AfterValidator(...)`` and co.; one file remembered."""
        if self._targets is None or self._targets[0] is not ctx.module:
            calls = calls_named(ctx.module.chunks, pm.ANNOTATED_VALIDATORS)
            self._targets = (ctx.module, pm.annotated_validator_targets(calls, ctx.resolver))
        return self._targets[1]


def _hoist(site: CallSite, fn: FunctionInfo, validator: pm.Validator, ctx: RuleContext) -> Fix | None:
    """Compile once at module level; a local that only held the pattern gives way to the constant."""
    alias = module_alias(ctx, "re", None)
    parts = [ctx.source(a) for a in site.node.args] + [ctx.source(k) for k in site.node.keywords]
    if alias is None or any("\n" in p for p in parts):
        return None
    re_name, request = alias
    local = single_assignment(site.parent, fn)
    line = delete_line(site.parent, ctx) if local else None
    hint = local if line else f"{validator.fields[0] if validator.fields else fn.name}_pattern"
    constant = module_constant(ctx, fn, constant_name(hint), f"{re_name}.compile({', '.join(parts)})")
    if constant is None:
        return None
    name, lines = constant
    reads = replace_reads(local, name, fn, ctx) if line and local else None
    if line and reads is not None:
        deletion, comment = line
        edits = [deletion, *reads]
        lines = tuple(f"{text}  {comment}" for text in lines) if comment else lines  # the comment moves along
    else:
        edits = [Edit(ctx.range(site.node), name)]
    return Fix(
        f"Compile the pattern once, as `{name}`",
        Applicability.SAFE,
        tuple(edits),
        imports=(request,) if request else (),
        module_lines=lines,
    )

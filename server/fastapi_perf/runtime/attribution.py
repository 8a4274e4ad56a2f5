"""From a stack seen blocking the loop to a site and a FAP code.

A site is the innermost frame of the project's own code on the stack. When
the framework's request dispatch (routing, middleware, the ASGI transport)
or the test's own code lies between the blocking call and the nearest
project frame, the call is the framework's or the test's work, not the
project's, and nothing is attributed: otherwise a project middleware that
only awaits ``call_next`` would be blamed for whatever FastAPI does inside.

The code comes from :mod:`fastapi_perf.analysis.catalog`, the catalogue the
static rules use: the library function the project called (the outermost
library frame above the site that the catalogue knows), else the blocking
call the detector saw (``time.sleep`` is FAP103), else FAP105 for a stall
with no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..analysis import catalog
from .frames import Frame, ModuleNames, Owner, ProjectFiles

# Modules that run the project's code rather than being called by it.
DISPATCH = (
    "fastapi.routing", "fastapi.applications", "fastapi.dependencies", "fastapi.middleware",
    "starlette.routing", "starlette.applications", "starlette.middleware", "starlette._exception_handler",
    "starlette.background", "starlette.concurrency", "starlette.testclient", "httpx._transports.asgi",
    "uvicorn", "anyio", "asyncio", "concurrent.futures", "threading", "_pytest", "pytest_asyncio", "pluggy",
)
LOADING = ("importlib",)
"""An import being executed: module loading, once per process, which no rule is about."""

# Detector events the catalogue has no entry for, by prefix (longest first).
EVENT_CODES = (
    ("socket.", "FAP107"), ("ssl.", "FAP107"), ("smtplib.", "FAP107"), ("ftplib.", "FAP107"),
    ("poplib.", "FAP107"), ("imaplib.", "FAP107"), ("nntplib.", "FAP107"), ("http.client.", "FAP102"),
    ("urllib.", "FAP102"), ("subprocess.", "FAP106"), ("os.system", "FAP106"), ("os.spawn", "FAP106"),
    ("os.posix_spawn", "FAP106"), ("os.exec", "FAP106"), ("os.fork", "FAP106"),
)
EVENT_NAMES = {"open": "builtins.open", "builtins.input": "builtins.input"}
# Libraries that the catalogue names by the package users import, implemented in another.
IMPLEMENTED_IN = {"botocore": "boto3"}
# Packages whose catalogue entries are single functions (``asyncio.run``), not the whole package.
EXACT_ONLY = frozenset({"asyncio", "anyio", "trio", "uvloop", "builtins"})
STALL_CODE = "FAP105"
FILE_IO_CODE = "FAP104"


@dataclass(frozen=True, slots=True)
class Attribution:
    site: Frame
    """The innermost project frame (absolute path)."""
    code: str
    chain: tuple[Frame, ...]
    """The project's frames on the stack, outermost first, ending with the site."""
    call: str | None
    """What the project called that blocked: the library function (``requests.get``), else the
    blocking call the detector saw (``time.sleep``); None for a stall inside the project's own code."""


class Attributor:
    def __init__(self, project: ProjectFiles, modules: ModuleNames | None = None) -> None:
        self.project = project
        self.modules = modules or ModuleNames()
        self.codes = CatalogueCodes()

    def attribute(self, frames: Sequence[Frame], call: str | None) -> Attribution | None:
        """``frames`` innermost first; None when the project's code is not what blocked."""
        for index, frame in enumerate(frames):
            owner = self.project.owner(frame.path)
            if owner is Owner.APP:
                break
            if owner is Owner.TEST:
                return None
            module = self.modules.of(frame.path)
            if _within(module, DISPATCH) or _within(module, LOADING):
                return None
        else:
            return None
        code = self._code(frames[:index], call)
        chain = tuple(f for f in reversed(frames[index:]) if self.project.owner(f.path) is Owner.APP)
        if index:
            called = frames[index - 1]
            call = catalog.canonical(f"{self.modules.of(called.path)}.{called.function}")
        return Attribution(frames[index], code, chain, call)

    def _code(self, library: Sequence[Frame], call: str | None) -> str:
        for frame in reversed(library):  # outermost first: the function the project called
            code = self.codes.of_function(self.modules.of(frame.path), frame.function)
            if code is not None:
                return code
        if call is not None:
            return self.codes.of_call(call)
        return STALL_CODE


class CatalogueCodes:
    """Codes by qualified name and by module, derived from the static rules' catalogue."""

    def __init__(self) -> None:
        by_prefix: dict[str, set[str]] = {}
        entries = [(name, b.code) for name, b in catalog.BLOCKING.items()]
        entries += [(name, client.blocking.code) for name, client in catalog.BLOCKING_INSTANCES.items()]
        for name, code in entries:
            parts = name.split(".")
            if parts[0] in EXACT_ONLY:
                continue
            for end in range(1, len(parts)):
                by_prefix.setdefault(".".join(parts[:end]), set()).add(code)
        for package in catalog.CPU_HEAVY_METHODS_BY_PACKAGE:
            by_prefix.setdefault(package.rstrip("."), set()).add(STALL_CODE)
        self.by_prefix = {prefix: codes.pop() for prefix, codes in by_prefix.items() if len(codes) == 1}

    def of_function(self, module: str, function: str) -> str | None:
        top, _, rest = module.partition(".")
        module = f"{IMPLEMENTED_IN[top]}.{rest}".rstrip(".") if top in IMPLEMENTED_IN else module
        qualname = catalog.canonical(f"{module}.{function}")
        exact = catalog.BLOCKING.get(qualname)
        if exact is not None:
            return exact.code
        if qualname in catalog.CHEAP_CALLS:
            return None
        module = catalog.canonical(module)
        known = self._longest_known(module)
        cheap = max((len(p) for p in catalog.CHEAP_MODULES if _within(module, (p,))), default=0)
        if known is None or cheap > len(known):  # the more specific entry wins: http.client over http
            return None
        return self.by_prefix[known]

    def of_call(self, call: str) -> str:
        name = EVENT_NAMES.get(call, call)
        exact = catalog.BLOCKING.get(catalog.canonical(name))
        if exact is not None:
            return exact.code
        for prefix, code in EVENT_CODES:
            if name.startswith(prefix):
                return code
        return self._by_module(name.rpartition(".")[0]) or FILE_IO_CODE

    def _by_module(self, module: str) -> str | None:
        known = self._longest_known(module)
        return None if known is None else self.by_prefix[known]

    def _longest_known(self, module: str) -> str | None:
        while module:
            if module in self.by_prefix:
                return module
            module = module.rpartition(".")[0]
        return None


def _within(module: str, packages: Sequence[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)

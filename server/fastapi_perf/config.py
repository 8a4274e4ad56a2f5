"""Settings: ``[tool.fastapi-perf]`` in ``pyproject.toml``, command-line flags and editor settings.

Everything ends up in one typed, validated ``Settings`` object. An unknown
key or a bad value raises ``ConfigError`` with a message that names it; the
CLI exits with status 2, the server shows the message and keeps its
defaults.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .analysis.findings import Severity
from .analysis.options import AnalysisOptions

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SECTION = "fastapi-perf"
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
_CODE = re.compile(r"^FAP\d{0,3}$")
_SEVERITIES = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO,
               "information": Severity.INFO, "hint": Severity.HINT}


class ConfigError(ValueError):
    """A setting that cannot be used, with a message that says which and why."""


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] | None = None
    """Rule codes or prefixes to enable; None: every rule that is on by default."""
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    extend_blocking_calls: tuple[tuple[str, tuple[str, ...]], ...] = ()
    extend_cpu_heavy_calls: tuple[str, ...] = ()
    extend_critical_calls: tuple[str, ...] = ()
    all_asyncio_files: bool = False
    include_non_request_code: bool = False
    """Report blocking work also in code that serves no request (start-up, CLI, scripts, workers, tests)."""
    unsafe_fixes: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    follow_imports: bool = True
    """Follow calls and types into other files of the project (the workspace index)."""
    inference: bool | None = None
    """Ask jedi about receivers nothing cheaper could type. None: on in the editor, off in the CLI."""
    root: Path | None = field(default=None, compare=False)
    """The folder of the ``pyproject.toml`` the settings came from."""
    project_uses_fastapi: bool = False

    @cached_property
    def enabled_codes(self) -> frozenset[str]:
        return select_rules(self.select, self.extend_select, self.ignore)

    @cached_property
    def options(self) -> AnalysisOptions:
        return AnalysisOptions(
            extend_blocking_calls=self.extend_blocking_calls,
            extend_cpu_heavy_calls=self.extend_cpu_heavy_calls,
            extend_critical_calls=self.extend_critical_calls,
            all_asyncio_files=self.all_asyncio_files,
            include_non_request_code=self.include_non_request_code,
            project_uses_fastapi=self.project_uses_fastapi,
        )

    def severity_of(self, code: str | None) -> Severity:
        if code is None:
            return Severity.ERROR
        return _severity(self.severity, code)

    def fingerprint(self) -> str:
        """What the findings of a file depend on, for the result cache (no rule import needed)."""
        key = repr((self.select, self.extend_select, self.ignore, self.follow_imports, self.inference, self.options.cache_key()))
        return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()

    def with_overrides(self, **values: Any) -> Settings:
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in values.items() if k in known})


@lru_cache(maxsize=1024)
def _severity(overrides: tuple[tuple[str, Severity], ...], code: str) -> Severity:
    """The configured severity of ``code`` (longest matching selector first), else its rule's default."""
    for selector, severity in sorted(overrides, key=lambda item: -len(item[0])):
        if code.startswith(selector):
            return severity
    from .rules import BY_CODE

    rule = BY_CODE.get(code)
    return rule.default_severity if rule else Severity.WARNING


def select_rules(select: Iterable[str] | None, extend_select: Iterable[str], ignore: Iterable[str]) -> frozenset[str]:
    """Resolve selectors the way Ruff does: the most specific selector wins, ``ignore`` on ties.

    Rules that are off by default are enabled by any explicit selector that
    covers them; ``select = None`` means the default rules.
    """
    from .rules import ALL_RULES

    positive = list(select) if select is not None else []
    positive += list(extend_select)
    negative = list(ignore)
    enabled = set()
    for rule in ALL_RULES:
        code = rule.code
        best_positive = max((len(s) for s in positive if _covers(s, code)), default=-1)
        best_negative = max((len(s) for s in negative if _covers(s, code)), default=-1)
        if best_positive < 0 and select is None and rule.default_enabled:
            best_positive = 0
        if best_positive >= 0 and best_positive > best_negative:
            enabled.add(code)
    return frozenset(enabled)


def _covers(selector: str, code: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def validate_selector(selector: Any, key: str) -> str:
    from .rules import ALL_RULES

    if not isinstance(selector, str):
        raise ConfigError(f"`{key}` must list rule codes as strings, got {selector!r}")
    value = selector.strip().upper()
    if value == "ALL":
        return value
    if not _CODE.match(value) or not any(rule.code.startswith(value) for rule in ALL_RULES):
        raise ConfigError(f"`{key}`: unknown rule selector `{selector}` (codes look like FAP103; prefixes like FAP1 also work)")
    return value


# -- reading values ------------------------------------------------------------

def _str_list(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"`{key}` must be a list of strings, got {value!r}")
    return tuple(value)


def _selectors(value: Any, key: str) -> tuple[str, ...]:
    return tuple(validate_selector(v, key) for v in _str_list(value, key))


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"`{key}` must be true or false, got {value!r}")
    return value


def _int(value: Any, key: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"`{key}` must be a whole number of at least {minimum}, got {value!r}")
    return value


def _severity_table(value: Any, key: str) -> tuple[tuple[str, Severity], ...]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"`{key}` must be a table of rule code to severity, e.g. {{FAP103 = \"error\"}}")
    result = []
    for selector, level in value.items():
        code = validate_selector(selector, key)
        if not isinstance(level, str) or level.lower() not in _SEVERITIES:
            raise ConfigError(f"`{key}.{selector}` must be one of error, warning, info, hint; got {level!r}")
        result.append((code, _SEVERITIES[level.lower()]))
    return tuple(result)


def _blocking_table(value: Any, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    from .rules import BY_CODE

    if not isinstance(value, Mapping):
        raise ConfigError(f"`{key}` must be a table of rule code to callables, e.g. {{FAP107 = [\"mylib.db.query\"]}}")
    result = []
    for code, patterns in value.items():
        rule = BY_CODE.get(str(code).upper())
        if rule is None or not code.upper().startswith("FAP1"):
            raise ConfigError(f"`{key}`: `{code}` is not a blocking-call rule (use a FAP1xx code)")
        result.append((rule.code, _str_list(patterns, f"{key}.{code}")))
    return tuple(result)


def _per_file_ignores(value: Any, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"`{key}` must be a table of glob pattern to rule codes")
    return tuple((str(pattern), _selectors(codes, f"{key}.{pattern}")) for pattern, codes in value.items())


_READERS = {
    "select": ("select", _selectors),
    "extend-select": ("extend_select", _selectors),
    "ignore": ("ignore", _selectors),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", _str_list),
    "extend-exclude": ("extend_exclude", _str_list),
    "severity": ("severity", _severity_table),
    "extend-blocking-calls": ("extend_blocking_calls", _blocking_table),
    "extend-cpu-heavy-calls": ("extend_cpu_heavy_calls", _str_list),
    "extend-critical-calls": ("extend_critical_calls", _str_list),
    "all-asyncio-files": ("all_asyncio_files", _bool),
    "include-non-request-code": ("include_non_request_code", _bool),
    "unsafe-fixes": ("unsafe_fixes", _bool),
    "max-file-size": ("max_file_size", lambda v, k: _int(v, k, 1)),
    "follow-imports": ("follow_imports", _bool),
    "inference": ("inference", _bool),
}
KNOWN_KEYS = tuple(_READERS)


def parse_table(table: Mapping[str, Any], where: str = "[tool.fastapi-perf]") -> dict[str, Any]:
    """Validate a settings table (kebab-case keys) into ``Settings`` field values."""
    values: dict[str, Any] = {}
    for key, raw in table.items():
        reader = _READERS.get(key)
        if reader is None:
            hint = _did_you_mean(key)
            raise ConfigError(f"unknown key `{key}` in {where}{hint}")
        attribute, parse = reader
        try:
            values[attribute] = parse(raw, key)
        except ConfigError as error:
            raise ConfigError(f"{where}: {error}") from None
    return values


def _did_you_mean(key: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
    return f" (did you mean `{close[0]}`?)" if close else f"; known keys: {', '.join(KNOWN_KEYS)}"


# -- discovery -----------------------------------------------------------------

def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents) if start.is_dir() else start.parents:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(start: Path, config_file: Path | None = None) -> Settings:
    """Settings for a run that starts at ``start`` (a file or folder)."""
    path = config_file or find_pyproject(start)
    if path is None:
        root = start.resolve() if start.is_dir() else start.resolve().parent
        return Settings(root=root, project_uses_fastapi=project_declares_fastapi(root, {}))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    table = data.get("tool", {}).get(SECTION, {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"[tool.{SECTION}] in {path} must be a table")
    values = parse_table(table, f"[tool.{SECTION}] in {path}")
    root = path.parent.resolve()
    return Settings(root=root, project_uses_fastapi=project_declares_fastapi(root, data), **values)


_FASTAPI_REQUIREMENT = re.compile(r"(?<![\w.-])fastapi(?![\w-])", re.IGNORECASE)


def project_declares_fastapi(root: Path, pyproject: Mapping[str, Any]) -> bool:
    """The detection gate: does the project depend on FastAPI?"""
    project = pyproject.get("project", {}) if isinstance(pyproject, Mapping) else {}
    declared: list[str] = []
    if isinstance(project, Mapping):
        declared += [d for d in project.get("dependencies", []) if isinstance(d, str)]
        for group in (project.get("optional-dependencies") or {}).values():
            declared += [d for d in group if isinstance(d, str)]
    poetry = pyproject.get("tool", {}).get("poetry", {}) if isinstance(pyproject, Mapping) else {}
    if isinstance(poetry, Mapping):
        declared += list((poetry.get("dependencies") or {}).keys())
    if any(_FASTAPI_REQUIREMENT.match(d.strip()) for d in declared):
        return True
    candidates = list(root.glob("requirements*.txt")) + list(root.glob("requirements/*.txt")) + [root / "setup.cfg"]
    for candidate in candidates:
        try:
            text = candidate.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            if _FASTAPI_REQUIREMENT.match(line.strip()):
                return True
    return False

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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .analysis.findings import Finding, Severity
from .analysis.names.modules import package_top
from .analysis.options import AnalysisOptions
from .project import manifests

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
    target_version: tuple[int, int] | None = None
    """The oldest Python the project supports (``target-version``, else ``requires-python``)."""
    root: Path | None = field(default=None, compare=False)
    """The project root: the folder of the nearest ``pyproject.toml`` (else ``find_project_root``)."""
    settings_file: Path | None = field(default=None, compare=False)
    """The file the settings came from (``SettingsResolver``); None: the defaults."""
    project_uses_fastapi: bool = False

    @property
    def settings_folder(self) -> Path | None:
        """What relative paths of the settings (``per-file-ignores``, ``exclude``) are relative to."""
        return self.settings_file.parent if self.settings_file is not None else self.root

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
            target_version=self.target_version,
        )

    def severity_of(self, code: str) -> Severity:
        return _severity(self.severity, code)

    def ignored_codes(self, path: Path | None) -> tuple[str, ...]:
        """The selectors ``per-file-ignores`` applies to ``path`` (globs relative to the settings file, gitignore syntax)."""
        if not self.per_file_ignores or path is None:
            return ()
        base = self.settings_folder
        try:
            relative = path.relative_to(base).as_posix() if base else path.name
        except ValueError:
            relative = path.name
        return tuple(code for spec, codes in self._per_file_specs if spec.match_file(relative) for code in codes)

    def without_ignored(self, path: Path | None, findings: list[Finding]) -> list[Finding]:
        """``findings`` of the file at ``path`` less those ``per-file-ignores`` silences (the CLI and the editor alike)."""
        codes = self.ignored_codes(path)
        if not codes:
            return findings
        return [f for f in findings if not ignored_by(f.code, codes)]

    @cached_property
    def _per_file_specs(self) -> tuple:
        import pathspec  # only projects with per-file-ignores need it

        return tuple((pathspec.GitIgnoreSpec.from_lines([pattern]), codes) for pattern, codes in self.per_file_ignores)

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


def ignored_by(code: str | None, selectors: Iterable[str]) -> bool:
    """Whether a finding's code is covered by one of ``selectors`` (a syntax error, without a code, never is)."""
    return code is not None and any(_covers(selector, code) for selector in selectors)


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


TARGET_VERSIONS = tuple(f"py3{minor}" for minor in range(7, 15))


def _target_version(value: Any, key: str) -> tuple[int, int]:
    if value not in TARGET_VERSIONS:
        raise ConfigError(f"`{key}` must be one of {', '.join(TARGET_VERSIONS)}, got {value!r}")
    return (3, int(value[3:]))


def requires_python_target(specifier: Any) -> tuple[int, int] | None:
    """The oldest Python 3 minor version a ``requires-python`` (or Poetry ``python``) specifier admits."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    if not isinstance(specifier, str):
        return None
    # Poetry's ``^3.11`` and ``~3.11`` admit 3.11 and later minor versions (of 3.x) first.
    text = re.sub(r"[\^~](?!=)\s*", ">=", specifier.strip())
    try:
        versions = SpecifierSet(text)
    except InvalidSpecifier:
        return None
    for minor in range(0, 40):
        if any(versions.contains(f"3.{minor}.{patch}", prereleases=True) for patch in (0, 99)):
            return (3, minor)
    return None


def _per_file_ignores(value: Any, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"`{key}` must be a table of glob pattern to rule codes, got {value!r}")
    return tuple(
        (_pattern(str(pattern), key), _selectors(codes, f"{key}.{pattern}")) for pattern, codes in value.items()
    )


def _patterns(value: Any, key: str) -> tuple[str, ...]:
    return tuple(_pattern(pattern, key) for pattern in _str_list(value, key))


def _pattern(pattern: str, key: str) -> str:
    """A gitignore-style pattern, checked now: compiled later, a bad one would stop the run with a traceback."""
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except (ValueError, TypeError) as error:
        raise ConfigError(f"`{key}`: `{pattern}` is not a valid gitignore-style pattern ({error})") from None
    return pattern


_READERS = {
    "select": ("select", _selectors),
    "extend-select": ("extend_select", _selectors),
    "ignore": ("ignore", _selectors),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", _patterns),
    "extend-exclude": ("extend_exclude", _patterns),
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
    "target-version": ("target_version", _target_version),
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


_ROOT_MARKERS = ("setup.py", "setup.cfg", "Pipfile", ".git", "requirements.txt", "requirements")


def find_project_root(start: Path) -> Path:
    """The project root of a repository without ``pyproject.toml``: the nearest folder with a marker.

    ``check app/`` in a requirements app must take the repository as the
    root, as ``check .`` does, or the two name and follow different files.
    Markers: ``setup.py``, ``setup.cfg``, ``Pipfile``, ``.git``, a
    ``requirements*.txt`` or a ``requirements/`` folder. The home folder and
    the file-system root are never taken. Without a marker, a start inside
    a package takes the folder above its outermost package (the folder
    Python would import it from), else the start folder is the root.
    """
    start = start.resolve()
    first = start if start.is_dir() else start.parent
    stops = {Path.home().resolve(), Path(first.anchor)}
    for folder in (first, *first.parents):
        if folder in stops:
            break
        if _marked(folder):
            return folder
    top = package_top(first)
    return top.parent if top is not None else first


def _marked(folder: Path) -> bool:
    return any((folder / marker).exists() for marker in _ROOT_MARKERS) or next(folder.glob("requirements*.txt"), None) is not None


def _unmarked_loose_folder(folder: Path, root: Path) -> bool:
    """Whether ``find_project_root`` took ``folder`` for want of anything better: no marker, no package."""
    return root == folder and not _marked(folder)


SETTINGS_FILES = (".fastapi-perf.toml", "fastapi-perf.toml")
"""Settings files for projects without a ``pyproject.toml`` table, keys at top level (as ``ruff.toml``); first wins."""


def load_settings(start: Path, config_file: Path | None = None) -> Settings:
    """Settings for ``start`` (a file or folder): its nearest settings file, else ``config_file`` for all."""
    return SettingsResolver(config_file).for_path(start)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None


def settings_table(path: Path, data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The settings a file holds: ``[tool.fastapi-perf]`` of a ``pyproject.toml`` (None without one), all of the others."""
    if path.name != "pyproject.toml":
        return data
    tool = data.get("tool")
    return tool.get(SECTION) if isinstance(tool, Mapping) and SECTION in tool else None


class SettingsResolver:
    """Which settings apply to each file, as Ruff decides: from the nearest settings file.

    A folder's settings file is its ``.fastapi-perf.toml``, else its
    ``fastapi-perf.toml``, else its ``pyproject.toml`` when that has a
    ``[tool.fastapi-perf]`` table; the nearest at or above a file wins, and
    ``config_file`` (``--config``) overrides them all. Its relative paths
    are relative to its own folder. The project facts (root, the
    ``requires-python`` target, the FastAPI gate) come from the nearest
    ``pyproject.toml``, table or not: a sub-project is its own project even
    when it keeps the repository's settings. Each file is read once per
    resolver, and folders sharing both files share one ``Settings``.
    ``adjust`` is applied to each (the CLI's flags, the MCP's ``select``).
    """

    def __init__(
        self, config_file: Path | None = None, adjust: Callable[[Settings], Settings] | None = None, start: Path | None = None
    ) -> None:
        """``start``: where the run starts; its root serves the folders under it that nothing else roots."""
        self.config_file = config_file.resolve() if config_file is not None else None
        self.adjust = adjust
        self.start_root = find_project_root(start) if start is not None and find_pyproject(start) is None else None
        self._folders: dict[Path, Settings] = {}
        self._pyprojects: dict[Path, Path | None] = {}
        self._settings_files: dict[Path, Path | None] = {}
        self._toml: dict[Path, dict[str, Any]] = {}
        self._loaded: dict[tuple[Path | None, Path | None, Path | None], Settings] = {}

    def for_path(self, path: Path) -> Settings:
        """The settings of a file, or of the files directly in a folder."""
        path = path.absolute()
        return self.for_folder(path if path.is_dir() else path.parent)

    def for_file(self, path: Path) -> Settings:
        """``for_path`` of a path known to be a file, without asking the file system."""
        return self.for_folder(path.absolute().parent)

    def for_folder(self, folder: Path) -> Settings:
        settings = self._folders.get(folder)
        if settings is None:
            real = folder.resolve()
            project = self._nearest(real, self._pyprojects, _pyproject_in)
            source = self.config_file or self._nearest(real, self._settings_files, self._settings_file_in)
            fallback_root = None if project is not None else self._loose_root(real)
            key = (project, source, fallback_root)
            settings = self._loaded.get(key)
            if settings is None:
                settings = self._loaded[key] = self._load(project, source, fallback_root)
            self._folders[folder] = settings
        return settings

    def _loose_root(self, folder: Path) -> Path:
        """The root of a folder without a ``pyproject.toml`` above it.

        Where no marker and no package decide it, the folder would be its own
        root; under the run's start its root is taken instead, as when one
        ``Settings`` served the whole run.
        """
        root = find_project_root(folder)
        start = self.start_root
        if start is not None and folder != start and folder.is_relative_to(start) and _unmarked_loose_folder(folder, root):
            return start
        return root

    def _load(self, project: Path | None, source: Path | None, fallback_root: Path | None) -> Settings:
        data = self._read(project) if project is not None else {}
        values: dict[str, Any] = {}
        declares = False
        if source is not None:
            source_data = self._read(source)
            table = settings_table(source, source_data) or {}
            # A --config pyproject.toml outside the project still speaks for it, as its dependencies say.
            declares = source.name == "pyproject.toml" and source != project and manifests.pyproject_declares(source_data)
            where = f"[tool.{SECTION}] in {source}" if source.name == "pyproject.toml" else str(source)
            if source.name != "pyproject.toml" and "tool" in table:
                raise ConfigError(f"{source}: its keys go at the top level, without a [tool.{SECTION}] header")
            values = parse_table(table, where)
        if "target_version" not in values:
            target = declared_python(data)
            if target is not None:
                values["target_version"] = target
        root = project.parent if project is not None else fallback_root
        uses_fastapi = declares or project_declares_fastapi(root, data)
        settings = Settings(root=root, settings_file=source, project_uses_fastapi=uses_fastapi, **values)
        return self.adjust(settings) if self.adjust is not None else settings

    def _read(self, path: Path) -> dict[str, Any]:
        data = self._toml.get(path)
        if data is None:
            data = self._toml[path] = read_toml(path)
            if path.name == "pyproject.toml":
                check_read_keys(data, path)
        return data

    def _settings_file_in(self, folder: Path) -> Path | None:
        for name in SETTINGS_FILES:
            if (folder / name).is_file():
                return folder / name
        pyproject = _pyproject_in(folder)
        if pyproject is not None and settings_table(pyproject, self._read(pyproject)) is not None:
            return pyproject
        return None

    @staticmethod
    def _nearest(folder: Path, memo: dict[Path, Path | None], own: Callable[[Path], Path | None]) -> Path | None:
        """The nearest file ``own`` finds at or above ``folder``, remembered for every folder climbed."""
        climbed: list[Path] = []
        current = folder
        while current not in memo:
            found = own(current)
            if found is not None or current.parent == current:
                memo[current] = found
                break
            climbed.append(current)
            current = current.parent
        result = memo[current]
        for passed in climbed:
            memo[passed] = result
        return result


def _pyproject_in(folder: Path) -> Path | None:
    candidate = folder / "pyproject.toml"
    return candidate if candidate.is_file() else None


# The keys of pyproject.toml read outside [tool.fastapi-perf]: dotted path -> what it must be.
_TABLE, _STRINGS, _TABLE_OF_STRING_LISTS = "a table", "a list of strings", "a table of lists of strings"
_READ_KEYS = (
    (("tool",), _TABLE),
    (("tool", SECTION), _TABLE),
    (("tool", "poetry"), _TABLE),
    (("tool", "poetry", "dependencies"), _TABLE),
    (("project",), _TABLE),
    (("project", "dependencies"), _STRINGS),
    (("project", "optional-dependencies"), _TABLE_OF_STRING_LISTS),
)


def check_read_keys(data: Mapping[str, Any], path: Path) -> None:
    """Every key fastapi-perf reads has the type it needs, or ``ConfigError`` names it."""
    for keys, kind in _READ_KEYS:
        value: Any = data
        for key in keys:
            value = value.get(key) if isinstance(value, Mapping) else None
        if value is None or _is(value, kind):
            continue
        name = ".".join(keys)
        raise ConfigError(f"`{name}` in {path} must be {kind}, got {_shown(value)}")


def _is(value: Any, kind: str) -> bool:
    if kind == _TABLE:
        return isinstance(value, Mapping)
    if kind == _STRINGS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, Mapping) and all(_is(v, _STRINGS) for v in value.values())


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def declared_python(pyproject: Mapping[str, Any]) -> tuple[int, int] | None:
    """The target version ``pyproject.toml`` declares: ``requires-python``, or Poetry's ``python``."""
    project = pyproject.get("project", {})
    if isinstance(project, Mapping) and "requires-python" in project:
        return requires_python_target(project["requires-python"])
    tool = pyproject.get("tool", {})
    poetry = tool.get("poetry", {}) if isinstance(tool, Mapping) else {}
    dependencies = poetry.get("dependencies", {}) if isinstance(poetry, Mapping) else {}
    return requires_python_target(dependencies.get("python")) if isinstance(dependencies, Mapping) else None


def project_declares_fastapi(root: Path, pyproject: Mapping[str, Any]) -> bool:
    """The detection gate: does the project depend on FastAPI? (``pyproject``: the settings file, read already.)

    Its own dependency tables first (a ``--config`` file may lie outside
    ``root``), then every manifest from ``root`` up to the repository root.
    """
    return manifests.pyproject_declares(pyproject) or manifests.fastapi_verdict(root).declared

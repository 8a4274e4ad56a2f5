"""Editor settings: the VS Code keys without the ``fastapi-perf.`` prefix.

They arrive in ``initializationOptions`` (flat, or Ruff-style under
``settings``) and through ``workspace/configuration``. They are merged with
``[tool.fastapi-perf]`` according to ``configurationPreference``:
``editorFirst`` (default: editor values win where set), ``filesystemFirst``
(``pyproject.toml`` wins where set) or ``editorOnly``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..config import ConfigError, Settings, parse_table

PREFERENCES = ("editorFirst", "filesystemFirst", "editorOnly")
SYNTAX_ERROR = "FAP000"
DEFAULT_DEBOUNCE_MS = 50

# Editor key -> [tool.fastapi-perf] key.
_KEYS = {
    "select": "select",
    "extendSelect": "extend-select",
    "ignore": "ignore",
    "severity": "severity",
    "extendBlockingCalls": "extend-blocking-calls",
    "extendCpuHeavyCalls": "extend-cpu-heavy-calls",
    "allAsyncioFiles": "all-asyncio-files",
    "exclude": "exclude",
    "inference": "inference",
}
# Every editor setting, for clients that want to describe them (the VS Code
# extension's package.json is tested against this): key -> (JSON type, default, description).
EDITOR_SETTINGS: dict[str, tuple[str, Any, str]] = {
    "select": ("array", None, "Rule codes or prefixes to enable (replaces `[tool.fastapi-perf] select`)."),
    "extendSelect": ("array", [], "Rule codes or prefixes to enable in addition."),
    "ignore": ("array", [], "Rule codes or prefixes to disable."),
    "severity": ("object", {}, "Severity per rule code or prefix: error, warning, info or hint."),
    "extendBlockingCalls": ("object", {}, "Your own blocking callables per FAP1xx code, by qualified name (`*` matches anything)."),
    "extendCpuHeavyCalls": ("array", [], "Your own CPU-heavy callables, by qualified name."),
    "allAsyncioFiles": ("boolean", False, "Run the event-loop rules on files that do not use FastAPI."),
    "exclude": ("array", [], "Files not to check (gitignore-style globs)."),
    "fixAll.unsafe": ("boolean", False, "Let fix-all apply unsafe fixes too."),
    "debounce": ("number", DEFAULT_DEBOUNCE_MS, "Milliseconds to wait after an edit before analysing."),
    "configurationPreference": ("string", "editorFirst", "How editor settings combine with pyproject.toml: editorFirst, filesystemFirst or editorOnly."),
    "inference": ("boolean", True, "Ask jedi about values the import table cannot type (answers arrive as a second update)."),
    "showSyntaxErrors": ("boolean", False, "Report syntax errors (FAP000); off since the Python language server reports them."),
}

# Keys the editor extension uses for itself; accepted and ignored here.
_CLIENT_ONLY = {"path", "interpreter", "trace", "importStrategy", "showNotifications", "enable", "args"}
# Read once, from ``initializationOptions``, by ``trusted_from`` (``handlers/lifecycle.py``); ignored
# afterwards, so a workspace's own settings can never make the server trust it.
_INITIALIZE_ONLY = {"trusted"}


@dataclass(frozen=True)
class EditorSettings:
    values: dict[str, Any] = field(default_factory=dict)
    """Validated ``Settings`` field values set by the editor."""
    unsafe_fixes: bool | None = None
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    preference: str = "editorFirst"
    interpreter: str | None = None
    """The Python the editor points at (jedi introspects libraries with it when the workspace is trusted)."""
    syntax_errors: bool = False
    """Report FAP000: the user's Python language server already shows syntax errors."""

    def apply(self, project: Settings) -> Settings:
        """Merge these editor settings with a project's ``pyproject.toml`` settings."""
        merged = self._merge(project)
        return merged if self.syntax_errors else merged.with_overrides(ignore=(*merged.ignore, SYNTAX_ERROR))

    def _merge(self, project: Settings) -> Settings:
        values = dict(self.values)
        if self.unsafe_fixes is not None:
            values["unsafe_fixes"] = self.unsafe_fixes
        if self.preference == "editorOnly":
            facts = {"root": project.root, "project_uses_fastapi": project.project_uses_fastapi, "target_version": project.target_version}
            return Settings(**facts).with_overrides(**values)
        if self.preference == "filesystemFirst":
            defaults = Settings()
            kept = {k: v for k, v in values.items() if getattr(project, k) == getattr(defaults, k)}
            return project.with_overrides(**kept)
        return project.with_overrides(**values)


def _flatten(raw: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"fixAll": {"unsafe": true}}`` and ``{"fixAll.unsafe": true}`` mean the same."""
    flat: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and name in ("fixAll", "trace"):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def parse_editor_settings(raw: Any) -> EditorSettings:
    """Validate editor settings; raises ``ConfigError`` naming the bad key."""
    if raw is None:
        return EditorSettings()
    if not isinstance(raw, dict):
        raise ConfigError(f"settings must be an object, got {type(raw).__name__}")
    if isinstance(raw.get("settings"), dict):
        raw = raw["settings"]
    flat = {key: value for key, value in _flatten(raw).items() if value is not None}  # null means "not set"
    table: dict[str, Any] = {}
    unsafe = None
    debounce = DEFAULT_DEBOUNCE_MS
    preference = "editorFirst"
    interpreter = None
    syntax_errors = False
    for key, value in flat.items():
        if key in _KEYS:
            table[_KEYS[key]] = value
        elif key == "fixAll.unsafe":
            if not isinstance(value, bool):
                raise ConfigError(f"`fixAll.unsafe` must be true or false, got {value!r}")
            unsafe = value
        elif key == "debounce":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 10_000:
                raise ConfigError(f"`debounce` must be milliseconds between 0 and 10000, got {value!r}")
            debounce = int(value)
        elif key == "configurationPreference":
            if value not in PREFERENCES:
                raise ConfigError(f"`configurationPreference` must be one of {', '.join(PREFERENCES)}, got {value!r}")
            preference = value
        elif key == "showSyntaxErrors":
            if not isinstance(value, bool):
                raise ConfigError(f"`showSyntaxErrors` must be true or false, got {value!r}")
            syntax_errors = value
        elif key == "interpreter":
            candidates = value if isinstance(value, list) else [value]
            interpreter = next((c for c in candidates if isinstance(c, str) and c), None)
        elif key.partition(".")[0] in _CLIENT_ONLY or key in _INITIALIZE_ONLY:
            continue
        else:
            raise ConfigError(f"unknown setting `{key}`")
    values = parse_table(table, "editor settings") if table else {}
    return EditorSettings(values, unsafe, debounce, preference, interpreter, syntax_errors)


def trusted_from(raw: Any) -> bool:
    """``trusted`` from ``initializationOptions`` (top level, or Ruff-style under ``settings``).

    Left out, the server stays as trusting as its command line made it; given,
    only a real ``true`` keeps that trust: ``false``, ``"false"``, ``"true"``,
    ``0``, ``null`` all mean untrusted (a string that reads "false" must never
    count as trust).
    """
    if not isinstance(raw, dict):
        return True
    for holder in (raw, raw.get("settings")):
        if isinstance(holder, dict) and "trusted" in holder and holder["trusted"] is not True:
            return False
    return True

"""``fastapi-perf check --show-settings``: what was decided for a file, without checking it.

Which root, settings file and module name a file gets decides which of the
project's imports resolve and whether FastAPI rules run at all; a user who
gets fewer findings than expected needs to see those choices (issue 13).
"""

from __future__ import annotations

from pathlib import Path

from ..analysis.names.modules import module_name_for
from ..config import Settings, find_pyproject
from ..project.manifests import fastapi_verdict


def describe(path: Path, settings: Settings) -> str:
    """The settings ``path`` is checked with (``SettingsResolver.for_path``), one ``key: value`` a line."""
    path = path.resolve()
    named = path if path.is_file() else path / "__init__.py"
    module, package = module_name_for(named, settings.root)
    project = find_pyproject(path)
    target = settings.target_version
    lines = [
        f"file: {path}",
        f"settings root: {settings.root or 'none'}",
        f"settings file: {settings.settings_file or 'none (defaults)'}",
        f"project file: {project or 'none'}",
        f"module: {module}{' (package)' if package else ''}",
        f"target version: {f'py3{target[1]}' if target else 'not set'}",
        f"fastapi rules apply: {'yes' if settings.project_uses_fastapi else 'only in files that import fastapi'}",
        f"fastapi declared by: {_declared_by(settings)}",
    ]
    return "\n".join(lines) + "\n"


def _declared_by(settings: Settings) -> str:
    """Why the gate is open or closed: the manifest that declares FastAPI, or where none was found."""
    verdict = fastapi_verdict(settings.root) if settings.root is not None else None
    if verdict is not None and verdict.manifest is not None:
        return str(verdict.manifest)
    if settings.project_uses_fastapi:
        return f"the dependencies of {settings.settings_file or 'the settings file'}"
    searched = f" from {settings.root} up to the repository root" if settings.root is not None else ""
    return f"no manifest{searched}"

"""Changes outside the open documents: settings, and files on disk.

Changes to the editor settings, to a ``pyproject.toml`` or another manifest
the FastAPI gate reads (``setup.py``, ``requirements.txt`` …), or to Python files
re-check the open documents concerned (the scheduler decides which).
"""

from __future__ import annotations

from lsprotocol import types

from ...project import manifests
from .. import runtime_evidence, scheduler
from ..configuration import pull_configuration
from ..session import CONFIG_SECTION, FastApiPerfServer


async def did_change_configuration(ls: FastApiPerfServer, params: types.DidChangeConfigurationParams) -> None:
    before = ls.editor
    settings = params.settings
    if isinstance(settings, dict) and CONFIG_SECTION in settings:
        ls.update_editor_settings(settings[CONFIG_SECTION])
    elif not await pull_configuration(ls) and isinstance(settings, dict) and settings:
        ls.update_editor_settings(settings)
    if ls.editor != before:  # clients also send empty notices; they change nothing
        scheduler.settings_changed(ls)


def did_change_watched_files(ls: FastApiPerfServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(runtime_evidence.is_report(change.uri) for change in params.changes):
        scheduler.runtime_report_changed(ls)
        params = types.DidChangeWatchedFilesParams(changes=[c for c in params.changes if not runtime_evidence.is_report(c.uri)])
        if not params.changes:
            return
    if any(manifests.is_manifest(c.uri) or c.uri.endswith("fastapi-perf.toml") for c in params.changes):  # settings, or the FastAPI gate
        scheduler.settings_changed(ls)
    else:
        scheduler.files_changed(ls, list(params.changes))

"""Initialisation: the client's capabilities, the first settings, the workspace index.

Settings come from ``initializationOptions`` first, then from
``workspace/configuration`` once the client is initialised (a client that
never answers keeps the initial ones).
"""

from __future__ import annotations

import asyncio

from lsprotocol import types

from .. import parent, scheduler
from ..configuration import capability, pull_configuration, quietly
from ..session import FastApiPerfServer
from ..settings import trusted_from

WATCHERS = [
    types.FileSystemWatcher(glob_pattern="**/pyproject.toml"),
    types.FileSystemWatcher(glob_pattern="**/{fastapi-perf.toml,.fastapi-perf.toml}"),
    types.FileSystemWatcher(glob_pattern="**/{setup.cfg,Pipfile,requirements*.txt}"),  # setup.py: **/*.py below
    types.FileSystemWatcher(glob_pattern="**/requirements/*.txt"),
    types.FileSystemWatcher(glob_pattern="**/*.py"),
    types.FileSystemWatcher(glob_pattern="**/fastapi-perf-runtime.json"),
]


def initialize(ls: FastApiPerfServer, params: types.InitializeParams) -> None:
    ls.pull_mode = capability(params.capabilities, "text_document.diagnostic") is not None
    ls.trusted = ls.trusted and trusted_from(params.initialization_options)
    ls.update_editor_settings(params.initialization_options)  # no document is open yet
    parent.watch(params.process_id)


async def initialized(ls: FastApiPerfServer, params: types.InitializedParams) -> None:
    if capability(ls.client_capabilities, "workspace.did_change_watched_files.dynamic_registration"):
        registration = types.Registration(
            id="fastapi-perf-watched-files",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=WATCHERS),
        )
        await quietly(ls.client_register_capability_async(types.RegistrationParams(registrations=[registration])))
    before = ls.editor
    await pull_configuration(ls)
    if ls.editor != before:
        scheduler.settings_changed(ls)
    asyncio.ensure_future(scheduler.index_workspace(ls))

"""Initialisation, configuration and watched files.

Settings come from ``initializationOptions`` first, then from
``workspace/configuration`` once the client is initialised (a client that
never answers keeps the initial ones). Changes to settings, to a
``pyproject.toml`` or to Python files re-check the open documents.
"""

from __future__ import annotations

import asyncio

from lsprotocol import types

from .server import CONFIG_SECTION, FastApiPerfServer
from .settings import trusted_from

CONFIGURATION_TIMEOUT_S = 2.0


def _capability(caps, path: str):
    node = caps
    for part in path.split("."):
        node = getattr(node, part, None)
        if node is None:
            return None
    return node


def register(server: FastApiPerfServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: FastApiPerfServer, params: types.InitializeParams) -> None:
        ls.pull_mode = _capability(params.capabilities, "text_document.diagnostic") is not None
        ls.trusted = ls.trusted and trusted_from(params.initialization_options)
        ls.update_editor_settings(params.initialization_options)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: FastApiPerfServer, params: types.InitializedParams) -> None:
        caps = ls.client_capabilities
        if _capability(caps, "workspace.did_change_watched_files.dynamic_registration"):
            watchers = [
                types.FileSystemWatcher(glob_pattern="**/pyproject.toml"),
                types.FileSystemWatcher(glob_pattern="**/*.py"),
            ]
            await _quietly(
                ls.client_register_capability_async(
                    types.RegistrationParams(
                        registrations=[
                            types.Registration(
                                id="fastapi-perf-watched-files",
                                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
                            )
                        ]
                    )
                )
            )
        await pull_configuration(ls)
        from .indexing import build_index

        asyncio.ensure_future(build_index(ls))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: FastApiPerfServer, params: types.DidChangeConfigurationParams) -> None:
        before = ls.editor
        settings = params.settings
        if isinstance(settings, dict) and CONFIG_SECTION in settings:
            ls.update_editor_settings(settings[CONFIG_SECTION])
        elif not await pull_configuration(ls):
            if isinstance(settings, dict) and settings:
                ls.update_editor_settings(settings)
        if ls.editor != before:  # clients also send empty notices; they change nothing
            await recheck_all(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(ls: FastApiPerfServer, params: types.DidChangeWatchedFilesParams) -> None:
        from .indexing import files_changed

        if any(change.uri.endswith("pyproject.toml") for change in params.changes):
            ls.settings_changed()
            await recheck_all(ls)
        else:
            files_changed(ls, list(params.changes))


async def pull_configuration(ls: FastApiPerfServer) -> bool:
    """Ask the client for our section; False if it cannot or does not answer in time."""
    if not _capability(ls.client_capabilities, "workspace.configuration"):
        return False
    request = ls.workspace_configuration_async(
        types.ConfigurationParams(items=[types.ConfigurationItem(section=CONFIG_SECTION)])
    )
    try:
        result = await asyncio.wait_for(request, CONFIGURATION_TIMEOUT_S)
    except (asyncio.TimeoutError, Exception) as error:  # a client error must not stop the server
        ls.log(f"workspace/configuration did not answer: {error!r}; keeping the current settings")
        return False
    if result and isinstance(result[0], dict):
        ls.update_editor_settings(result[0])
        return True
    return False


async def recheck_all(ls: FastApiPerfServer) -> None:
    from .diagnostics import refresh_pull_diagnostics
    from .sync import schedule

    for doc in list(ls.documents.values()):
        doc.analysis.reset()  # drop cached findings: what they were computed from changed
        doc.analysis_stale = True
        doc.revision += 1
        doc.items_key = None
        if not ls.pull_mode:
            schedule(ls, doc, 0)
    if ls.pull_mode:
        await refresh_pull_diagnostics(ls)


async def _quietly(awaitable) -> None:
    try:
        await asyncio.wait_for(awaitable, CONFIGURATION_TIMEOUT_S)
    except Exception:  # registration is a convenience; a client may refuse it
        pass

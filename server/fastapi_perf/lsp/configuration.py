"""What the client can do, and asking it for our settings section."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from .session import CONFIG_SECTION, FastApiPerfServer

CONFIGURATION_TIMEOUT_S = 2.0


def capability(caps, path: str):
    """A nested client capability by dotted attribute path, None where any step is missing."""
    node = caps
    for part in path.split("."):
        node = getattr(node, part, None)
        if node is None:
            return None
    return node


async def pull_configuration(ls: FastApiPerfServer) -> bool:
    """Ask the client for our section and take it; False if it cannot or does not answer in time."""
    if not capability(ls.client_capabilities, "workspace.configuration"):
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


async def quietly(awaitable) -> None:
    """Await a request to the client that may fail or never be answered (a convenience, not a need)."""
    try:
        await asyncio.wait_for(awaitable, CONFIGURATION_TIMEOUT_S)
    except Exception:
        pass

"""``fastapi-perf lsp``: the server, its handlers, and how it runs.

Every LSP method the server answers is listed in ``FEATURES`` with its
handler (``handlers/``) and its options; nothing else registers features.
"""

from __future__ import annotations

import logging

from lsprotocol import types

from . import parent
from .handlers import code_action, debug, diagnostic, hover, lifecycle, text_sync, workspace
from .messages import WithoutTraceback
from .session import FastApiPerfServer

FEATURES = (
    (types.INITIALIZE, lifecycle.initialize, None),
    (types.INITIALIZED, lifecycle.initialized, None),
    (types.TEXT_DOCUMENT_DID_OPEN, text_sync.did_open, None),
    (types.TEXT_DOCUMENT_DID_CHANGE, text_sync.did_change, None),
    (types.TEXT_DOCUMENT_DID_SAVE, text_sync.did_save, None),
    (types.TEXT_DOCUMENT_DID_CLOSE, text_sync.did_close, None),
    (types.WORKSPACE_DID_CHANGE_CONFIGURATION, workspace.did_change_configuration, None),
    (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, workspace.did_change_watched_files, None),
    (types.TEXT_DOCUMENT_DIAGNOSTIC, diagnostic.document_diagnostic, diagnostic.OPTIONS),
    (types.WORKSPACE_DIAGNOSTIC, diagnostic.workspace_diagnostic, None),
    (types.TEXT_DOCUMENT_CODE_ACTION, code_action.code_action, code_action.OPTIONS),
    (types.CODE_ACTION_RESOLVE, code_action.code_action_resolve, None),
    (types.TEXT_DOCUMENT_HOVER, hover.hover, None),
    (debug.DOCUMENT_TEXT, debug.document_text, None),
)


def create_server() -> FastApiPerfServer:
    server = FastApiPerfServer()
    for method, handler, options in FEATURES:
        server.feature(method, options)(handler)
    return server


def run(tcp: str | None = None, trusted: bool = True, full_collection_s: float | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="fastapi-perf: %(levelname)s %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(WithoutTraceback())
    _forget_working_directory()
    debug.stacks_on_signal()
    server = create_server()
    server.trusted = trusted
    if full_collection_s is not None:
        server.collector.full_idle_s = full_collection_s
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    # Here the input ended without ``exit`` (which ends the process itself): as the LSP has it for
    # ``exit``, 0 if ``shutdown`` came first, else 1.
    status = 0 if server.protocol._shutdown else 1
    parent.exit_now(status)
    return status


def _forget_working_directory() -> None:
    """Take the current folder off ``sys.path``.

    ``python -m fastapi_perf`` (and ``python -c``) put it first, so a module
    imported later (jedi, or a standard-library module imported lazily) could
    be picked up from the workspace when the editor starts the server there.
    The server never imports anything from the folder it runs in.
    """
    import os
    import sys

    try:
        cwd = os.getcwd()
    except OSError:  # the folder was deleted
        cwd = None
    sys.path[:] = [entry for entry in sys.path if entry not in ("", ".", cwd)]

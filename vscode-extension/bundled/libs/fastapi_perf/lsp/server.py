"""The server object, its state, and ``fastapi-perf lsp``."""

from __future__ import annotations

import logging
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..analysis.engine import Engine
from ..analysis.workspace import WorkspaceIndex
from ..config import ConfigError, Settings, load_settings
from ..rules import ALL_RULES
from .documents import OpenDocument
from .memory import IdleCollector
from .protocol import FastApiPerfProtocol
from .settings import EditorSettings, parse_editor_settings

SERVER_NAME = "fastapi-perf"
SOURCE = "fastapi-perf"
CONFIG_SECTION = "fastapi-perf"

log = logging.getLogger(__name__)


class FastApiPerfServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(SERVER_NAME, __version__, protocol_cls=FastApiPerfProtocol)
        self.documents: dict[str, OpenDocument] = {}
        self.editor = EditorSettings()
        self.generation = 0
        """Bumped whenever settings change, so cached diagnostics are recomputed."""
        self.pull_mode = False
        self._project_settings: dict[Path | None, Settings] = {}
        self._engines: dict[frozenset[str], Engine] = {}
        self.collector = IdleCollector()
        self.index: WorkspaceIndex | None = None
        self.trusted = True
        """False (``fastapi-perf lsp --untrusted``, or ``{"trusted": false}`` in
        ``initializationOptions``): never start another Python interpreter, in
        particular not the workspace's. Only ever lowered, never raised again;
        see docs/robustness.md."""

    # -- settings --------------------------------------------------------------
    def update_editor_settings(self, raw: object) -> None:
        """Apply new editor settings; a bad value is shown to the user and the defaults kept."""
        try:
            editor = parse_editor_settings(raw)
        except ConfigError as error:
            editor = EditorSettings()
            self.show_warning(f"fastapi-perf: ignoring the editor settings: {error}")
        if editor != self.editor or self.generation == 0:
            self.editor = editor
            self.settings_changed()

    def settings_changed(self) -> None:
        self.generation += 1
        self._project_settings.clear()
        from .semantic import attach_inference

        for doc in self.documents.values():
            settings = self.settings_for(doc.path)
            doc.settings = settings
            doc.analysis.reset(self.engine_for(settings), settings.options)
            attach_inference(self, doc)
            doc.items_key = None
        if self.index is not None:
            self.index.options = self.settings_for(None).options if not self.documents else next(iter(self.documents.values())).settings.options
            self.index.invalidate_all()

    def settings_for(self, path: Path | None) -> Settings:
        start = path.parent if path is not None else None
        key = start
        if key not in self._project_settings:
            try:
                project = load_settings(start) if start is not None and start.exists() else Settings()
            except ConfigError as error:
                self.show_warning(f"fastapi-perf: {error}; using the defaults")
                project = Settings(root=start)
            self._project_settings[key] = self.editor.apply(project)
        return self._project_settings[key]

    def engine_for(self, settings: Settings) -> Engine:
        codes = settings.enabled_codes
        engine = self._engines.get(codes)
        if engine is None:
            engine = self._engines[codes] = Engine([rule() for rule in ALL_RULES if rule.code in codes])
        return engine

    # -- messages ----------------------------------------------------------------
    @property
    def encoding(self) -> str:
        encoding = self.workspace.position_encoding if self.protocol._workspace is not None else None
        return str(getattr(encoding, "value", encoding) or "utf-16")

    def show_warning(self, message: str) -> None:
        log.warning(message)
        self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, message))

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        self.window_log_message(types.LogMessageParams(kind, message))


def create_server() -> FastApiPerfServer:
    from . import actions, debug, diagnostics, hover, lifecycle, sync

    server = FastApiPerfServer()
    for module in (lifecycle, sync, diagnostics, actions, hover, debug):
        module.register(server)
    return server


def run(tcp: str | None = None, trusted: bool = True) -> int:
    logging.basicConfig(level=logging.WARNING, format="fastapi-perf: %(levelname)s %(message)s")
    _forget_working_directory()
    server = create_server()
    server.trusted = trusted
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    return 0


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

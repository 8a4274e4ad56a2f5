"""The server's state for one session: open documents, settings, engines and the workspace index.

It decides nothing about when to analyse (``scheduler.py`` does) and
handles no message (``handlers/`` do); it answers "which settings apply
here" and "which engine runs them".
"""

from __future__ import annotations

import logging
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..analysis.engine.dispatch import Engine
from ..analysis.workspace.index import WorkspaceIndex
from ..config import ConfigError, Settings, SettingsResolver
from ..project import manifests
from ..rules import ALL_RULES
from .documents import OpenDocument, path_of
from .memory import Collector
from .protocol import FastApiPerfProtocol
from .settings import EditorSettings, parse_editor_settings

SERVER_NAME = "fastapi-perf"
CONFIG_SECTION = "fastapi-perf"

log = logging.getLogger(__name__)


class FastApiPerfServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(SERVER_NAME, __version__, protocol_cls=FastApiPerfProtocol)
        self.documents: dict[str, OpenDocument] = {}
        self.editor = EditorSettings()
        self.pull_mode = False
        self._project_settings: dict[Path | None, Settings] = {}
        self._resolver: SettingsResolver | None = None
        self._engines: dict[frozenset[str], Engine] = {}
        self.collector = Collector(busy=self.work_pending)
        self.index: WorkspaceIndex | None = None
        self.runtime_reports: dict = {}
        """Loaded ``fastapi-perf-runtime.json`` by path (None: absent or malformed); runtime_evidence.py."""
        self.trusted = True
        """False (``fastapi-perf lsp --untrusted``, or ``trusted`` in ``initializationOptions``
        with anything but ``true``): never start another Python interpreter, in particular not
        the workspace's. Only ever lowered, never raised again; see docs/robustness.md."""

    def work_pending(self) -> bool:
        """An analysis or a settle is scheduled or running: not the moment for a full collection."""
        return any(
            task is not None and not task.done() for doc in self.documents.values() for task in (doc.analysing, doc.settling)
        )

    # -- settings --------------------------------------------------------------
    def update_editor_settings(self, raw: object) -> bool:
        """Take new editor settings; True if they differ. A bad value is shown and the defaults kept."""
        try:
            editor = parse_editor_settings(raw)
        except ConfigError as error:
            editor = EditorSettings()
            self.show_warning(f"fastapi-perf: ignoring the editor settings: {error}")
        if editor == self.editor:
            return False
        self.editor = editor
        self._project_settings.clear()
        return True

    def forget_project_settings(self) -> None:
        """A settings file, a ``pyproject.toml`` or another manifest changed: read them again when next asked."""
        self._project_settings.clear()
        self._resolver = None
        manifests.clear()

    def _settings_resolver(self) -> SettingsResolver:
        """The CLI's resolver, started where ``check .`` in the first workspace folder starts."""
        if self._resolver is None:
            self._resolver = SettingsResolver(start=self._first_folder())
        return self._resolver

    def _first_folder(self) -> Path | None:
        try:
            workspace = self.workspace
        except RuntimeError:  # not initialised yet
            return None
        for folder in workspace.folders.values():
            path = path_of(folder.uri)
            if path is not None and path.is_dir():
                return path
        root = Path(workspace.root_path) if workspace.root_path else None
        return root if root is not None and root.is_dir() else None

    def settings_for(self, path: Path | None) -> Settings:
        """A file's settings: from its nearest settings file, as the CLI picks it (``SettingsResolver``)."""
        start = path.parent if path is not None else None
        key = start
        if key not in self._project_settings:
            try:
                project = self._settings_resolver().for_folder(start) if start is not None and start.exists() else Settings()
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

"""The workspace index in the server: built in the background, kept current.

At start the server summarises every Python file of the workspace folders
(what ``fastapi-perf check`` would check there), cooperatively, one file at
a time, reporting ``$/progress`` when the client supports it. Open
documents are summarised from their live text instead of the disk. When a
document settles after edits, or a watched file changes on disk, the
summaries that depended on it are dropped; ``dependents`` says which open
documents used them, and the scheduler checks those again.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types

from ..analysis.names.modules import module_name_for
from ..analysis.workspace.index import WorkspaceIndex
from ..checker.discovery import FileFilter, discover, exclusion
from .documents import OpenDocument, path_of
from .session import FastApiPerfServer

SETTLE_S = 0.3
PROGRESS_EVERY = 25


def workspace_roots(ls: FastApiPerfServer) -> list[Path]:
    roots = []
    workspace = ls.workspace
    for folder in workspace.folders.values():
        path = path_of(folder.uri)
        if path is not None:
            roots.append(path)
    if not roots and workspace.root_path:
        roots.append(Path(workspace.root_path))
    return [r for r in roots if r.is_dir()]


def module_for(ls: FastApiPerfServer, path: Path) -> str:
    return module_name_for(path, ls.settings_for(path).root)[0]


async def build_index(ls: FastApiPerfServer) -> None:
    """Create the index over the workspace folders and summarise every file, yielding between files.

    Documents opened meanwhile were analysed without it: the caller checks them again.
    """
    roots = workspace_roots(ls)
    files: dict[str, Path] = {}
    # Each folder's files are excluded by, and each file is summarised with, its nearest settings (as in the CLI).
    file_filter = FileFilter(roots[0] if roots else Path.cwd(), (), nearest=lambda folder: exclusion(ls.settings_for(folder / "__init__.py")))
    for root in roots:
        for path in discover([root], file_filter):
            if _regular_file(path):
                files.setdefault(module_for(ls, path), path)
    options = ls.settings_for(roots[0] / "__init__.py").options if roots else ls.settings_for(None).options
    ls.index = WorkspaceIndex(
        files, options, read=lambda path: _read_live_or_disk(ls, path), live=lambda path: _live_statements(ls, path),
        options_for=lambda path: ls.settings_for(path).options,
    )
    for doc in ls.documents.values():
        attach(ls, doc)
    progress = _begin_progress(ls, len(files))
    done = 0
    for module in list(files):
        if ls.index is None:
            break
        try:
            ls.index.summary(module)
        except Exception as error:  # one odd file must not stop the index
            ls.log(f"indexing {files[module]} failed: {type(error).__name__}: {error}", types.MessageType.Warning)
        ls.index.drop_trees()  # no question follows here: keeping trees would only cost memory
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress.report(done)
        await asyncio.sleep(0)  # let edits and requests through between files
    if progress is not None:
        progress.end(done)


def _read_live_or_disk(ls: FastApiPerfServer, path: Path) -> str | None:
    for doc in ls.documents.values():
        if doc.path == path:
            return doc.document.text
    from ..analysis.workspace.index import _read_text

    return _read_text(path) if _regular_file(path) else None


def _live_statements(ls: FastApiPerfServer, path: Path) -> tuple[str, list] | None:
    """An open document's text and parsed statements: the index summarises it without parsing it again."""
    for doc in ls.documents.values():
        if doc.path == path:
            return doc.document.text, doc.document.chunks
    return None


def _regular_file(path: Path) -> bool:
    """False for a FIFO, a socket or a device named ``*.py`` (or a link to one).

    Anything in the index may be read by any analysis, on the event loop:
    reading a FIFO blocks the whole server until something writes to it, and
    ``/dev/zero`` never ends. Only regular files get into the index.
    """
    try:
        return path.is_file()
    except OSError:
        return False


class _Progress:
    """``$/progress`` for the indexing, begun without waiting for the client's answer to ``create``.

    Waiting for that answer lost the progress whenever the event loop was
    busy (an edit analysed at start-up) or the client slow: the wait timed
    out and nothing was reported. The LSP spec has the server create the
    token first; it does not say the server must wait for the answer before
    using it, and clients take the token when the request reaches them
    (VS Code's language client, Neovim, Emacs' lsp-mode, Sublime LSP), before
    the ``begin`` that follows it on the same stream. A client that answers
    with an error refused the token: no more reports are sent to it.
    """

    TOKEN = "fastapi-perf-indexing"

    def __init__(self, ls: FastApiPerfServer, total: int) -> None:
        self.ls = ls
        self.total = total
        self.refused = False
        created = ls.protocol.send_request(
            types.WINDOW_WORK_DONE_PROGRESS_CREATE, types.WorkDoneProgressCreateParams(token=self.TOKEN)
        )
        created.add_done_callback(self._answered)
        self._notify(types.WorkDoneProgressBegin(title="fastapi-perf: indexing", message=f"0/{total} files", percentage=0, cancellable=False))

    def _answered(self, created) -> None:
        if created.cancelled() or created.exception() is not None:
            self.refused = True

    def _notify(self, value) -> None:
        if not self.refused:
            self.ls.protocol.notify(types.PROGRESS, types.ProgressParams(token=self.TOKEN, value=value))

    def report(self, done: int) -> None:
        self._notify(types.WorkDoneProgressReport(message=f"{done}/{self.total} files", percentage=done * 100 // max(self.total, 1)))

    def end(self, done: int) -> None:
        self._notify(types.WorkDoneProgressEnd(message=f"indexed {done} files"))


def _begin_progress(ls: FastApiPerfServer, total: int) -> _Progress | None:
    window = ls.client_capabilities.window
    if not (window and window.work_done_progress):
        return None
    return _Progress(ls, total)


def attach(ls: FastApiPerfServer, doc: OpenDocument) -> None:
    """Let an open document's analysis use the index, and the index use its live text.

    A document open before the index was built is checked again when it is complete.
    """
    if ls.index is None or doc.path is None:
        return
    doc.analysis.index = ls.index
    module = doc.analysis.module_name
    if module not in ls.index.files:
        ls.index.add_file(module, doc.path)
    ls.index.drop_trees({module})  # parsed from the disk: the document's own statements serve from now on


def files_changed(ls: FastApiPerfServer, changes: list[types.FileEvent]) -> set[str]:
    """Watched Python files changed on disk: update the file map; the modules that changed."""
    changed: set[str] = set()
    if ls.index is None:
        return changed
    for change in changes:
        path = path_of(change.uri)
        if path is None or path.suffix != ".py":
            continue
        module = module_for(ls, path)
        if change.type == types.FileChangeType.Deleted or not _regular_file(path):
            ls.index.remove_file(module)
        elif module not in ls.index.files:
            ls.index.add_file(module, path)
        changed.add(module)
    return changed


def dependents(ls: FastApiPerfServer, modules: set[str]) -> tuple[set[str], list[OpenDocument]]:
    """Drop the summaries that depended on ``modules``; the modules affected and the open documents that used them."""
    affected: set[str] = set()
    if ls.index is None:
        return affected, []
    for module in modules:
        affected |= ls.index.invalidate(module)
    return affected, [doc for doc in ls.documents.values() if doc.analysis.consulted & affected]

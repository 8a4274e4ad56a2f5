"""Settings from the editor and from pyproject.toml, and what changes when they change."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lsprotocol import types

from .conftest import APP, ENV
from .session import diagnostics, open_document, published


def codes(found) -> set:
    return {d.code for d in found}


async def test_configuration_change_rechecks_open_documents(vscode) -> None:
    uri = open_document(vscode, APP)
    assert {d.code for d in await diagnostics(vscode, uri, 1)} == {"FAP103", "FAP201"}
    vscode.set_configuration({"select": ["FAP2"], "debounce": 0}, section="fastapi-perf")
    vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await published(vscode, uri, lambda found: codes(found) == {"FAP201"})
    vscode.set_configuration({"severity": {"FAP201": "error"}, "debounce": 0}, section="fastapi-perf")
    vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await published(vscode, uri, lambda found: any(d.code == "FAP201" and d.severity == types.DiagnosticSeverity.Error for d in found))


BROKEN = APP.replace('return {"ok": True}', 'return {"ok": True')


async def test_syntax_errors_are_off_in_the_editor_unless_turned_on(vscode) -> None:
    (vscode.root / "pyproject.toml").write_text(
        "[project]\nname='app'\ndependencies=['fastapi']\n[tool.fastapi-perf]\nselect = ['FAP000', 'FAP103']\n"
    )
    vscode.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(vscode.root / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    uri = open_document(vscode, BROKEN)
    # Selected in pyproject.toml, and still not shown: the editor setting decides.
    assert codes(await diagnostics(vscode, uri, 1)) == {"FAP103"}
    vscode.set_configuration({"showSyntaxErrors": True, "debounce": 0}, section="fastapi-perf")
    vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    found = await published(vscode, uri, lambda found: codes(found) == {"FAP000", "FAP103"})
    (syntax,) = [d for d in found if d.code == "FAP000"]
    assert syntax.severity == types.DiagnosticSeverity.Error and syntax.message.startswith("SyntaxError: ")
    assert syntax.range.start.line == 10 and syntax.code_description.href.endswith("/FAP000.md")
    vscode.set_configuration({"showSyntaxErrors": True, "ignore": ["FAP000"], "debounce": 0}, section="fastapi-perf")
    vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await published(vscode, uri, lambda found: codes(found) == {"FAP103"})


async def test_malformed_setting_warns_and_keeps_defaults(vscode) -> None:
    vscode.set_configuration({"select": 42}, section="fastapi-perf")
    vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    message = await vscode.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
    assert message.type == types.MessageType.Warning and "`select`" in message.message
    uri = open_document(vscode, APP)
    assert {d.code for d in await diagnostics(vscode, uri, 1)} == {"FAP103", "FAP201"}


async def test_pyproject_settings_and_preference(vscode) -> None:
    (vscode.root / "pyproject.toml").write_text(
        "[project]\nname='app'\ndependencies=['fastapi']\n[tool.fastapi-perf]\nignore = ['FAP201']\n"
    )
    vscode.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(vscode.root / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    uri = open_document(vscode, APP)
    assert {d.code for d in await diagnostics(vscode, uri, 1)} == {"FAP103"}
    vscode.set_configuration({"configurationPreference": "editorOnly", "debounce": 0}, section="fastapi-perf")
    vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await published(vscode, uri, lambda found: codes(found) == {"FAP103", "FAP201"})


async def test_watched_pyproject_change_rechecks(vscode) -> None:
    uri = open_document(vscode, APP)
    assert {d.code for d in await diagnostics(vscode, uri, 1)} == {"FAP103", "FAP201"}
    assert any(r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES for r in vscode.registrations)
    (vscode.root / "pyproject.toml").write_text(
        "[project]\nname='app'\ndependencies=['fastapi']\n[tool.fastapi-perf]\nselect = ['FAP103']\n"
    )
    vscode.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(vscode.root / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await published(vscode, uri, lambda found: codes(found) == {"FAP103"})


async def test_a_fastapi_perf_toml_is_watched_and_wins_over_the_pyproject_table(vscode) -> None:
    uri = open_document(vscode, APP)
    assert {d.code for d in await diagnostics(vscode, uri, 1)} == {"FAP103", "FAP201"}
    globs = [
        w["globPattern"] if isinstance(w, dict) else w.glob_pattern
        for r in vscode.registrations
        if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        for w in (r.register_options["watchers"] if isinstance(r.register_options, dict) else r.register_options.watchers)
    ]
    assert "**/{fastapi-perf.toml,.fastapi-perf.toml}" in globs
    settings = vscode.root / ".fastapi-perf.toml"
    settings.write_text("select = ['FAP201']\n")  # top-level keys, as in ruff.toml
    vscode.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=settings.as_uri(), type=types.FileChangeType.Created)])
    )
    await published(vscode, uri, lambda found: codes(found) == {"FAP201"})


async def test_broken_pyproject_warns(vscode) -> None:
    (vscode.root / "pyproject.toml").write_text("[tool.fastapi-perf]\nselekt = 1\n")
    uri = open_document(vscode, APP)
    message = await vscode.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
    assert "selekt" in message.message
    await diagnostics(vscode, uri, 1)


async def test_per_file_ignores_apply_in_the_editor_as_in_the_cli(client) -> None:
    (client.root / "pyproject.toml").write_text(
        "[project]\nname='app'\ndependencies=['fastapi']\n"
        "[tool.fastapi-perf]\nper-file-ignores = { 'legacy/*.py' = ['FAP103'] }\n"
    )
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(client.root / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    (client.root / "legacy").mkdir()
    legacy = open_document(client, APP, name="legacy/app.py")
    assert codes(await diagnostics(client, legacy, 1)) == {"FAP201"}
    current = open_document(client, APP, name="app.py")
    assert codes(await diagnostics(client, current, 1)) == {"FAP103", "FAP201"}
    # Fix-all leaves what the file ignores alone (FAP201's fix is unsafe, so nothing is left to fix).
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=legacy),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.fastapi-perf"]),
        )
    )
    for action in result or []:
        resolved = action if action.edit is not None else await client.code_action_resolve_async(action)
        assert resolved.edit is None, "fix-all changed a file where FAP103 is ignored"
    # The CLI agrees.
    cli = subprocess.run(
        [sys.executable, "-m", "fastapi_perf", "check", "--output-format", "json", "legacy/app.py", "app.py"],
        cwd=client.root, env=ENV, capture_output=True, text=True,
    )
    reported = {(Path(item["filename"]).parent.name, item["code"]) for item in json.loads(cli.stdout)}
    assert reported == {("legacy", "FAP201"), (client.root.name, "FAP103"), (client.root.name, "FAP201")}


SERVICE = """import time


async def refresh():
    time.sleep(1)
"""


def notify_changed(client, name: str) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=(client.root / name).as_uri(), type=types.FileChangeType.Changed)])
    )


async def test_watched_requirements_change_opens_the_fastapi_gate(vscode) -> None:
    """A file that never imports fastapi gets the FastAPI rules once a manifest the editor watches declares it."""
    (vscode.root / ".git").mkdir()  # the search for manifests stops here
    (vscode.root / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    notify_changed(vscode, "pyproject.toml")
    uri = open_document(vscode, SERVICE, name="services.py")
    assert codes(await diagnostics(vscode, uri, 1)) == set()
    assert any("requirements" in str(r.register_options) for r in vscode.registrations)
    (vscode.root / "requirements.txt").write_text("uvicorn\nfastapi\n")
    notify_changed(vscode, "requirements.txt")
    await published(vscode, uri, lambda found: codes(found) == {"FAP103"})
    (vscode.root / "requirements.txt").write_text("uvicorn\n")
    notify_changed(vscode, "requirements.txt")
    await published(vscode, uri, lambda found: codes(found) == set())

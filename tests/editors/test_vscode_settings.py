"""The extension's settings (vscode-extension/package.json) agree with the server's.

The server describes every editor setting in ``EDITOR_SETTINGS`` (key ->
JSON type, default, description); package.json declares them again for VS
Code's settings UI, and the extension sends exactly the declared keys that
are not its own. This keeps the two lists equal: names, types, defaults
and descriptions.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi_perf.lsp.settings import EDITOR_SETTINGS

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = json.loads((ROOT / "vscode-extension" / "package.json").read_text())
PREFIX = "fastapi-perf."
PROPERTIES = {
    key.removeprefix(PREFIX): value for key, value in PACKAGE["contributes"]["configuration"]["properties"].items()
}
# Read by the extension itself (which server to start, protocol tracing); the server ignores them.
CLIENT_ONLY = {"path": ("string", ""), "interpreter": ("string", ""), "trace.server": ("string", "off")}


def _types(schema: dict) -> set[str]:
    declared = schema["type"]
    return set(declared) if isinstance(declared, list) else {declared}


def test_every_key_is_prefixed_and_known() -> None:
    keys = PACKAGE["contributes"]["configuration"]["properties"]
    assert all(key.startswith(PREFIX) for key in keys)
    assert set(PROPERTIES) == set(EDITOR_SETTINGS) | set(CLIENT_ONLY)


@pytest.mark.parametrize("key", sorted(EDITOR_SETTINGS))
def test_server_setting_matches(key: str) -> None:
    json_type, default, description = EDITOR_SETTINGS[key]
    schema = PROPERTIES[key]
    # A default of null (not set: fall back to pyproject.toml) must be allowed by the type.
    assert _types(schema) == ({json_type, "null"} if default is None else {json_type}), schema["type"]
    assert schema["default"] == default
    assert schema.get("markdownDescription", schema.get("description")) == description


@pytest.mark.parametrize("key", sorted(CLIENT_ONLY))
def test_client_setting_declared(key: str) -> None:
    json_type, default = CLIENT_ONLY[key]
    schema = PROPERTIES[key]
    assert _types(schema) == {json_type} and schema["default"] == default
    assert schema.get("markdownDescription", schema.get("description"))


def test_enumerations_match_the_server() -> None:
    from fastapi_perf.lsp.settings import PREFERENCES

    assert PROPERTIES["configurationPreference"]["enum"] == list(PREFERENCES)
    assert PROPERTIES["severity"]["additionalProperties"]["enum"] == ["error", "warning", "info", "hint"]
    assert PROPERTIES["trace.server"]["enum"] == ["off", "messages", "verbose"]


def test_untrusted_workspaces_cannot_choose_what_runs() -> None:
    trust = PACKAGE["capabilities"]["untrustedWorkspaces"]
    assert trust["supported"] == "limited"
    assert set(trust["restrictedConfigurations"]) == {PREFIX + "path", PREFIX + "interpreter"}


def test_commands_and_pins() -> None:
    commands = {c["command"]: c["title"] for c in PACKAGE["contributes"]["commands"]}
    assert commands == {"fastapi-perf.restart": "Restart server", "fastapi-perf.showLogs": "Show logs"}
    # Versions that run on Node 20 (newer vsce needs Node 22); exact pins, locked in package-lock.json.
    assert PACKAGE["dependencies"] == {"vscode-languageclient": "11.0.0"}
    assert PACKAGE["devDependencies"]["@vscode/vsce"] == "3.9.2"
    lock = json.loads((ROOT / "vscode-extension" / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"] == PACKAGE["dependencies"]
    assert lock["packages"][""]["devDependencies"] == PACKAGE["devDependencies"]

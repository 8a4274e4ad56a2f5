"""pytest-lsp: the real server as a subprocess, driven with recorded client capabilities."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from .session import record_publications

ROOT = Path(__file__).resolve().parents[2]
SERVER = [sys.executable, "-m", "fastapi_perf", "lsp"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "server")}

# VS Code and Neovim 0.7 take pushed diagnostics in UTF-16 and resolve code
# actions lazily; Emacs asks for UTF-32 first and resolves nothing; Neovim
# 0.11 pulls diagnostics and prefers UTF-8.
CLIENTS = ["visual_studio_code", "neovim@v0.7.0", "emacs", "neovim@v0.11.0"]

APP = """import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root():
    time.sleep(1)
    return {"ok": True}
"""


def make_config() -> ClientServerConfig:
    return ClientServerConfig(server_command=SERVER, server_env=ENV)


def prepare(lsp_client: LanguageClient, name: str, root: Path) -> None:
    lsp_client.client_name = name
    lsp_client.root = root
    lsp_client.registrations = []
    record_publications(lsp_client)
    (root / "pyproject.toml").write_text("[project]\nname = 'app'\ndependencies = ['fastapi']\n")

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        lsp_client.registrations.extend(params.registrations)


@pytest_lsp.fixture(config=make_config(), params=CLIENTS)
async def client(lsp_client: LanguageClient, request, tmp_path: Path):
    prepare(lsp_client, request.param, tmp_path)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="app")],
            initialization_options={"debounce": 0},
        )
    )
    yield lsp_client
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=make_config())
async def vscode(lsp_client: LanguageClient, tmp_path: Path):
    """One VS Code client, for tests that are about the server rather than the client."""
    prepare(lsp_client, "visual_studio_code", tmp_path)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual_studio_code"),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="app")],
            initialization_options={"debounce": 0},
        )
    )
    yield lsp_client
    await lsp_client.shutdown_session()

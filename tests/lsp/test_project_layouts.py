"""The editor names files as the CLI does, whichever folder the workspace is rooted at (issue 13).

A route in ``tests/projects/`` calls a blocking helper in another file of
its package; the cross-file finding only appears when the server's module
names match the project's imports.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from .conftest import make_config, prepare
from .session import published

PROJECTS = Path(__file__).resolve().parents[1] / "projects"

LAYOUTS = [
    ("flat", ".", "app/main.py", "FAP103", "time.sleep"),
    ("flat", "app", "app/main.py", "FAP103", "time.sleep"),
    ("monorepo", ".", "backend/app/api/users.py", "FAP103", "time.sleep"),
    ("monorepo", "backend", "backend/app/api/users.py", "FAP103", "time.sleep"),
    ("nomanifest", "inventory", "inventory/routes.py", "FAP103", "time.sleep"),
    ("namespace", ".", "code/acme/orders/routes.py", "FAP104", "shutil.make_archive"),
]
"""(workspace of ``tests/projects``, the folder the editor opens, the file with the cross-file finding, its code, its call)."""


@pytest_lsp.fixture(config=make_config(), params=LAYOUTS, ids=["-".join(p[:2]) for p in LAYOUTS])
async def editor(lsp_client: LanguageClient, request, tmp_path: Path):
    project, folder, relative, code, call = request.param
    shutil.copytree(PROJECTS / project, tmp_path / project)
    root = (tmp_path / project / folder).resolve()
    prepare(lsp_client, "visual_studio_code", root)
    (root / "pyproject.toml").unlink()  # the workspace's own manifests only
    if (PROJECTS / project / folder / "pyproject.toml").is_file():
        shutil.copy(PROJECTS / project / folder / "pyproject.toml", root)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual_studio_code"),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=project)],
            initialization_options={"debounce": 0},
        )
    )
    lsp_client.opened = tmp_path / project / relative
    lsp_client.expected = (code, call)
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_the_route_file_gets_the_cross_file_finding(editor) -> None:
    path: Path = editor.opened
    text = path.read_text(encoding="utf-8")
    uri = path.resolve().as_uri()
    editor.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text))
    )
    code, call = editor.expected
    found = await published(editor, uri, lambda diagnostics: any(d.code == code for d in diagnostics))
    (chain,) = [d for d in found if d.code == code]
    assert call in chain.message


NESTED = {
    "backend/app/api/users.py": {"FAP103", "FAP107", "FAP201"},
    "backend/app/legacy.py": {"FAP201"},
    "backend/app/reports/export.py": {"FAP104"},
    "tools/status.py": {"FAP103"},
}
"""What ``fastapi-perf check`` reports per file of ``tests/projects/nested`` (tests/cli/test_nearest_settings.py)."""


@pytest_lsp.fixture(config=make_config())
async def repository(lsp_client: LanguageClient, tmp_path: Path):
    """The editor opens the repository root; the files it opens belong to the sub-project or to the root."""
    root = tmp_path / "nested"
    shutil.copytree(PROJECTS / "nested", root)
    root = root.resolve()
    kept = (root / "pyproject.toml").read_text(encoding="utf-8")
    prepare(lsp_client, "visual_studio_code", root)
    (root / "pyproject.toml").write_text(kept, encoding="utf-8")
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual_studio_code"),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="nested")],
            initialization_options={"debounce": 0},
        )
    )
    yield lsp_client
    await lsp_client.shutdown_session()


async def test_each_file_gets_its_nearest_settings_with_the_repository_as_workspace(repository) -> None:
    for relative, expected in NESTED.items():
        path = repository.root / relative
        uri = path.as_uri()
        repository.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="python", version=1, text=path.read_text(encoding="utf-8"))
            )
        )
        await published(repository, uri, lambda diagnostics, expected=expected: {d.code for d in diagnostics} == expected)

"""An edited helper keeps the index right: a dependent's diagnostics match a fresh server's.

When an open document settles, the summaries that depended on it are
dropped and made again when asked; the dependent documents must end up
with exactly what a server started on the same texts reports.
"""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pytest_lsp import client_capabilities

from .conftest import make_config, prepare
from .session import change, indexed, open_document

DB = """from sqlalchemy.orm import sessionmaker

SessionLocal = sessionmaker()
"""

HELPERS = """def load(db, user_id: int):
    limit = 10
    return db.query(dict).filter_by(id=user_id).limit(limit).first()
"""

CRUD = """from app.helpers import load


def get_user(db, user_id: int):
    return load(db, user_id)
"""

MAIN = """from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from app.crud import get_user
from app.db import SessionLocal

app = FastAPI()


def get_db():
    with SessionLocal() as db:
        yield db


@app.get("/users/{user_id}")
async def read_user(user_id: int, db: Session = Depends(get_db)):
    return get_user(db, user_id)
"""


def write_project(root, helpers: str) -> None:
    (root / "app").mkdir(exist_ok=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "db.py").write_text(DB)
    (root / "app" / "crud.py").write_text(CRUD)
    (root / "app" / "helpers.py").write_text(helpers)


def comparable(found: list[types.Diagnostic], root) -> list[tuple]:
    """The diagnostics with their related locations relative to the workspace root (the two servers' roots differ)."""
    prefix = root.as_uri() + "/"
    return sorted(
        (
            d.code,
            d.message,
            d.range.start.line,
            d.range.start.character,
            tuple((r.location.uri.removeprefix(prefix), r.location.range.start.line, r.message) for r in d.related_information or ()),
        )
        for d in found
    )


async def quiet_diagnostics(client, uri: str, after: int, quiet_s: float = 1.5) -> list[types.Diagnostic]:
    """The last diagnostics published for ``uri`` once at least one came after the first ``after`` and none for ``quiet_s``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    last_count, last_change = -1, loop.time()
    while loop.time() < deadline:
        mine = [p for p in client.published[after:] if p.uri == uri]
        if len(mine) != last_count:
            last_count, last_change = len(mine), loop.time()
        elif mine and loop.time() - last_change >= quiet_s:
            return list(mine[-1].diagnostics)
        await asyncio.sleep(0.05)
    raise AssertionError("the diagnostics never settled")


async def fresh_server_diagnostics(root, helpers: str) -> list[tuple]:
    """What a server started on the same texts (helpers open with them, and on disk) reports for main.py."""
    write_project(root, helpers)
    client = await make_config().start()
    try:
        prepare(client, "visual_studio_code", root)
        await client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities("visual_studio_code"),
                root_uri=root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="fresh")],
                initialization_options={"debounce": 0},
            )
        )
        open_document(client, helpers, name="app/helpers.py")
        main = open_document(client, MAIN, name="app/main.py")
        await indexed(client)
        found = await quiet_diagnostics(client, main, 0)
        await client.shutdown_session()
        return comparable(found, root)
    finally:
        await client.stop()


async def edited_server_diagnostics(client, main: str, helpers_uri: str, version: int, line: int, old: str, new: str):
    before = len(client.published)
    start = HELPERS_NOW[0].splitlines()[line].index(old)
    change(client, helpers_uri, version, (line, start), (line, start + len(old)), new)
    lines = HELPERS_NOW[0].split("\n")
    lines[line] = lines[line][:start] + new + lines[line][start + len(old) :]
    HELPERS_NOW[0] = "\n".join(lines)
    return await quiet_diagnostics(client, main, before)


HELPERS_NOW = [HELPERS]


async def test_a_dependent_after_edits_to_its_helper_matches_a_fresh_server(vscode, tmp_path_factory) -> None:
    HELPERS_NOW[0] = HELPERS
    write_project(vscode.root, HELPERS)
    helpers = open_document(vscode, HELPERS, name="app/helpers.py")
    main = open_document(vscode, MAIN, name="app/main.py")
    await indexed(vscode)
    first = await quiet_diagnostics(vscode, main, 0)
    assert any(d.code == "FAP101" and "get_user → load" in d.message for d in first), comparable(first, vscode.root)

    # A number in the helper's body: nothing crud.py took from it changes (its summary is kept).
    kept = await edited_server_diagnostics(vscode, main, helpers, 2, 1, "10", "20")
    assert any(d.code == "FAP101" for d in kept)
    assert comparable(kept, vscode.root) == await fresh_server_diagnostics(tmp_path_factory.mktemp("fresh"), HELPERS_NOW[0])

    # The helper stops querying: crud.py's summary must go, and the chain with it.
    gone = await edited_server_diagnostics(vscode, main, helpers, 3, 2, "db.query(dict).filter_by(id=user_id).limit(limit).first()", "None")
    assert not any(d.code == "FAP101" for d in gone)
    assert comparable(gone, vscode.root) == await fresh_server_diagnostics(tmp_path_factory.mktemp("fresh"), HELPERS_NOW[0])

"""Cross-file findings in the server: the background index, live documents and files on disk."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from .session import apply_edits, change, diagnostics, edits_of, indexed, open_document, published

CRUD = """from sqlalchemy.orm import Session


def get_user(db: Session, user_id: int):
    return db.query(dict).filter_by(id=user_id).first()
"""

ROUTES = """import asyncio

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from app.crud import get_user

app = FastAPI()


@app.get("/users/{user_id}")
async def read_user(user_id: int, db: Session = Depends(Session)):
    await asyncio.sleep(0)
    return get_user(db, user_id)
"""


def write_project(root) -> None:
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "crud.py").write_text(CRUD)


async def next_for(client, uri: str) -> list[types.Diagnostic]:
    return await published(client, uri, lambda found: True)


async def test_a_chain_into_another_file_and_its_update_on_disk(vscode) -> None:
    write_project(vscode.root)
    uri = open_document(vscode, ROUTES, name="app/main.py")
    found = await diagnostics(vscode, uri, 1)
    while not any(d.code == "FAP101" for d in found):  # the index may still be building
        found = await next_for(vscode, uri)
    chain = next(d for d in found if d.code == "FAP101")
    assert "read_user → get_user → Session.query" in chain.message
    (related,) = chain.related_information
    assert related.location.uri.endswith("/app/crud.py") and related.location.range.start.line == 4
    (vscode.root / "app" / "crud.py").write_text(CRUD.replace("db.query(dict).filter_by(id=user_id).first()", "None"))
    vscode.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(vscode.root / "app" / "crud.py").as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    while any(d.code == "FAP101" for d in await next_for(vscode, uri)):
        pass


async def test_editing_an_open_helper_rechecks_its_callers(vscode) -> None:
    write_project(vscode.root)
    routes = open_document(vscode, ROUTES, name="app/main.py")
    found = await diagnostics(vscode, routes, 1)
    while not any(d.code == "FAP101" for d in found):
        found = await next_for(vscode, routes)
    crud = open_document(vscode, CRUD, name="app/crud.py")
    line = CRUD.splitlines()[4]
    vscode.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=crud, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(4, 11), types.Position(4, len(line))), text="None"
                )
            ],
        )
    )
    while any(d.code == "FAP101" for d in await next_for(vscode, routes)):
        pass


async def test_indexing_reports_progress(vscode) -> None:
    write_project(vscode.root)
    uri = open_document(vscode, ROUTES, name="app/main.py")
    found = await diagnostics(vscode, uri, 1)
    while not any(d.code == "FAP101" for d in found):
        found = await next_for(vscode, uri)
    reports = vscode.progress_reports.get("fastapi-perf-indexing", [])
    kinds = [r.kind for r in reports]
    assert kinds[0] == "begin" and kinds[-1] == "end", kinds


DEPS = """from fastapi import Depends
from sqlalchemy.orm import Session, sessionmaker

SessionLocal = sessionmaker()


def get_db():
    with SessionLocal() as db:
        yield db


def get_replica():
    with SessionLocal() as db:
        yield db


def get_user(db: Session = Depends(get_replica)):
    return db.get(dict, 1)
"""

DASHBOARD = """from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from app.deps import get_db, get_user

app = FastAPI()


@app.get("/dashboard")
def dashboard(user=Depends(get_user), db: Session = Depends(get_db)):
    return user
"""


async def test_a_dependency_tree_across_files_and_its_update_on_disk(vscode) -> None:
    (vscode.root / "app").mkdir()
    (vscode.root / "app" / "__init__.py").write_text("")
    deps = vscode.root / "app" / "deps.py"
    deps.write_text(DEPS)
    uri = open_document(vscode, DASHBOARD, name="app/main.py")
    found = await diagnostics(vscode, uri, 1)
    while not any(d.code == "FAP401" for d in found):  # the index may still be building
        found = await next_for(vscode, uri)
    finding = next(d for d in found if d.code == "FAP401")
    assert {r.location.uri for r in finding.related_information} == {deps.as_uri()}
    assert sorted(r.location.range.start.line for r in finding.related_information) == [7, 12]  # each `with SessionLocal()`
    deps.write_text(DEPS.replace("Depends(get_replica)", "Depends(get_db)"))  # one callable: one session per request
    vscode.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=deps.as_uri(), type=types.FileChangeType.Changed)])
    )
    while any(d.code == "FAP401" for d in await next_for(vscode, uri)):
        pass


RATES = """async def fetch_rates():
    return {}
"""

RATES_ROUTE = """from fastapi import FastAPI

from app.rates import fetch_rates

app = FastAPI()


@app.get("/rates")
def rates():
    return fetch_rates()
"""


async def test_fix_all_sees_what_the_diagnostics_see_in_other_files(vscode) -> None:
    """FAP202 needs the index to know ``fetch_rates`` is a coroutine function; so does its fix."""
    vscode.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"fastapi-perf": {"debounce": 0, "fixAll": {"unsafe": True}}})
    )
    (vscode.root / "app").mkdir()
    (vscode.root / "app" / "__init__.py").write_text("")
    (vscode.root / "app" / "rates.py").write_text(RATES)
    uri = open_document(vscode, RATES_ROUTE, name="app/main.py")
    found = await diagnostics(vscode, uri, 1)
    while not any(d.code == "FAP202" for d in found):  # the index may still be building
        found = await next_for(vscode, uri)
    result = await vscode.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.fastapi-perf"]),
        )
    )
    (action,) = result
    if action.edit is None:
        action = await vscode.code_action_resolve_async(action)
    fixed = apply_edits(RATES_ROUTE, edits_of(action, uri), "utf-16")
    assert "async def rates():\n    return await fetch_rates()\n" in fixed


def big_module(endpoints: int) -> str:
    """A module of ``endpoints`` blocking endpoints: analysing it keeps the server busy for a while."""
    head = "import time\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n"
    body = "".join(
        f'\n\n@app.get("/e{n}")\nasync def endpoint_{n}(q: int = {n}):\n    total = q + {n}\n'
        f"    for step in range({n} % 7 + 1):\n        total += step * 2\n    time.sleep(0.1)\n    return {{\"n\": total}}\n"
        for n in range(endpoints)
    )
    return head + body


def answer_progress_creation_late(client, delay_s: float) -> None:
    """A client that takes the token at once but answers ``window/workDoneProgress/create`` only after a while
    (slow, or its own loop busy): the server must not wait for that answer to report."""

    client.late_answers = []

    async def answer_later() -> None:
        done = asyncio.Event()
        client.late_answers.append(done)
        await asyncio.sleep(delay_s)
        done.set()

    def create(params: types.WorkDoneProgressCreateParams):
        client.progress_reports.setdefault(params.token, [])  # as the request arrives, like VS Code
        yield answer_later, (), {}  # pygls runs a generator handler up to here at once, answers when this ends

    client.protocol.fm.features[types.WINDOW_WORK_DONE_PROGRESS_CREATE] = create


async def test_progress_begins_and_ends_when_an_edit_arrives_at_start_up(vscode) -> None:
    """An open and an edit right after ``initialized``, a client slow to answer: the progress still begins and ends."""
    answer_progress_creation_late(vscode, 3.0)
    write_project(vscode.root)
    for n in range(30):
        (vscode.root / "app" / f"helper_{n}.py").write_text(CRUD)
    text = big_module(1500)
    uri = open_document(vscode, text, name="app/main.py")
    line = text.splitlines().index("    total = q + 0")
    change(vscode, uri, 2, (line, 17), (line, 17), "1")
    await indexed(vscode)
    kinds = [r.kind for r in vscode.progress_reports["fastapi-perf-indexing"]]
    assert kinds[0] == "begin" and kinds[-1] == "end" and kinds.count("begin") == kinds.count("end") == 1, kinds
    found = await diagnostics(vscode, uri, 2)
    assert {"FAP103", "FAP201"} <= {d.code for d in found}
    # The late answer is still due: let it go out before the session ends, or its handler is cancelled mid-reply.
    await asyncio.wait_for(asyncio.gather(*(answer.wait() for answer in vscode.late_answers)), 10)

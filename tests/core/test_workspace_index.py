"""The workspace index does only the work a question needs.

A file's own names are answered from its symbols (never by summarising the
file again), and the facts of categories 4-6 are computed per function on
first use, from the text the summary was made of.
"""

from __future__ import annotations

from pathlib import Path

from fastapi_perf.analysis.engine.file_analysis import analyse_text
from fastapi_perf.analysis.names.exports import FunctionExport
from fastapi_perf.analysis.names.modules import module_name_for
from fastapi_perf.analysis.options import AnalysisOptions
from fastapi_perf.analysis.workspace import trees as tree_cache
from fastapi_perf.analysis.workspace.index import WorkspaceIndex, module_map
from helpers import ALL_ENGINE

DEPS = """\
from fastapi import Depends
from sqlalchemy.orm import Session

from .db import SessionLocal


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def get_user(db: Session = Depends(get_db)):
    return db.query(User).first()


def unused(db: Session = Depends(get_db)):
    return db.query(User).all()
"""

DB = """\
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

SessionLocal = sessionmaker(bind=create_engine("sqlite://"))
"""

ROUTES = """\
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from .db import SessionLocal
from .deps import get_user


def local_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


router = APIRouter()


@router.get("/me")
def me(user=Depends(get_user), db: Session = Depends(local_db)):  # two sessions
    return user
"""


def project(tmp_path: Path) -> tuple[WorkspaceIndex, Path, AnalysisOptions]:
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "db.py").write_text(DB)
    (app / "deps.py").write_text(DEPS)
    (app / "routes.py").write_text(ROUTES)
    options = AnalysisOptions(project_uses_fastapi=True)
    files = sorted(tmp_path.rglob("*.py"))
    return WorkspaceIndex(module_map(files, tmp_path), options), app / "routes.py", options


def analyse(index: WorkspaceIndex, path: Path, root: Path, options: AnalysisOptions):
    module, package = module_name_for(path, root)
    result = analyse_text(path.read_text(), ALL_ENGINE, options, module, package, str(path), index=index)
    assert not result.rule_errors, result.rule_errors
    return result.findings


def test_a_file_is_not_summarised_to_answer_its_own_names(tmp_path: Path) -> None:
    index, routes, options = project(tmp_path)
    findings = analyse(index, routes, tmp_path, options)
    assert "FAP401" in {f.code for f in findings}  # get_user (another file) and local_db (this one)
    assert "app.deps" in index._summaries
    assert "app.routes" not in index._summaries



OWN_NAMES = """\
from fastapi import APIRouter

router = APIRouter()


class Payload:
    pass


async def fetch_rates():
    return 1


@router.get("/rates")
def rates():
    fetch_rates()
    return Payload()
"""


def test_fap202_answers_a_file_s_own_names_without_summarising_it(tmp_path: Path) -> None:
    """``Payload()`` is no coroutine function of another file: FAP202 must not summarise this file to learn that.

    In the server the open document's summary is dropped at each settle, and
    asking the index about it summarised the whole document again.
    """
    index, _, options = project(tmp_path)
    own = tmp_path / "app" / "rates.py"
    own.write_text(OWN_NAMES)
    index.add_file("app.rates", own)
    findings = analyse(index, own, tmp_path, options)
    assert [f.range.start.line for f in findings if f.code == "FAP202"] == [15]  # 0-based: `fetch_rates()`
    assert "app.rates" not in index._summaries


def test_facts_are_computed_per_function_on_first_use(tmp_path: Path) -> None:
    index, routes, options = project(tmp_path)
    analyse(index, routes, tmp_path, options)
    functions = index._summaries["app.deps"].functions
    assert "dependency" in functions["get_user"].facts.computed  # asked by FAP401's tree
    assert functions["get_user"].facts.dependency.session is None
    assert functions["get_db"].facts.dependency.session is not None
    unused = functions["unused"]
    assert isinstance(unused, FunctionExport) and unused.facts.computed == ()  # never asked: never computed
    assert unused.facts.dependency.queries


def test_facts_come_from_the_text_the_summary_was_made_of(tmp_path: Path, monkeypatch) -> None:
    index, routes, options = project(tmp_path)
    summary = index.summary("app.deps")
    (tmp_path / "app" / "deps.py").write_text(DEPS.replace("db.query(User).all()", "42"))
    # The summary's own trees are kept while they are among the most recent: answers match the summary.
    assert summary.functions["unused"].facts.dependency.queries
    monkeypatch.setattr(tree_cache, "_KEEP_LINES", 0)
    index.summary("app.routes")  # keeping this one's trees drops those of app.deps
    assert summary.functions["get_user"].facts.dependency is None  # the text changed since: unknown, so no finding


def test_dropped_trees_are_freed_without_a_garbage_collection(tmp_path: Path, monkeypatch) -> None:
    """Parsed statements are reference cycles; the index breaks them when it lets trees go."""
    import gc
    import weakref

    index, routes, options = project(tmp_path)
    gc.collect()
    gc.disable()
    try:
        index.summary("app.deps")
        trees = index._summaries["app.deps"].functions["get_db"].facts._trees
        context = weakref.ref(trees._context)
        monkeypatch.setattr(tree_cache, "_KEEP_LINES", 0)
        with trees.in_use():  # a computation on these trees is running
            index.summary("app.routes")  # keeping these trees drops those of app.deps
            assert trees._context is None and context() is not None  # dropped, not freed under the computation
        assert context() is None  # freed, by reference counting alone, once the computation is done
        assert index._summaries["app.deps"].functions["unused"].facts.dependency.queries  # parsed again when asked
        context = weakref.ref(trees._context)
        index.drop_trees({"app.deps"})
        assert context() is None  # nothing computes on them: freed at once
    finally:
        gc.enable()


def test_an_open_document_is_summarised_from_its_own_statements(tmp_path: Path) -> None:
    from fastapi_perf.analysis.source import chunks as chunks_module
    from fastapi_perf.analysis.source.document import Document

    _, routes, options = project(tmp_path)
    deps = tmp_path / "app" / "deps.py"
    doc = Document(deps.read_text().replace("db.query(User).all()", "db.query(User).first()"))
    files = module_map(sorted(tmp_path.rglob("*.py")), tmp_path)
    index = WorkspaceIndex(files, options, live=lambda path: (doc.text, doc.chunks) if path == deps else None)
    parsed = doc.reparsed
    calls = []
    original = chunks_module.parse_module
    chunks_module.parse_module = lambda text: calls.append(text) or original(text)
    try:
        summary = index.summary("app.deps")
    finally:
        chunks_module.parse_module = original
    assert doc.reparsed == parsed + len(doc.pieces)  # the document parsed its statements once, for itself
    assert not calls
    assert summary.functions["unused"].facts.dependency.queries
    assert index.digests["app.deps"] != index.digests.get("app.db")


def test_a_setup_module_inside_a_package_does_not_cut_the_package_chain(tmp_path: Path) -> None:
    """``backend/app/setup.py`` is the package's start-up module: ``app/db/engine.py`` is still ``app.db.engine``."""
    package = tmp_path / "backend" / "app"
    (package / "db").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "setup.py").write_text("def setup_app():\n    pass\n")
    (package / "db" / "__init__.py").write_text("")
    (package / "db" / "engine.py").write_text("")
    root = tmp_path / "backend"
    assert module_name_for(package / "db" / "engine.py", root) == ("app.db.engine", False)
    assert module_name_for(package / "setup.py", root) == ("app.setup", False)


def test_a_folder_with_pyproject_ends_the_package_chain(tmp_path: Path) -> None:
    """A project root is put on ``sys.path``, never part of a module name, even when it holds ``__init__.py``."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "main.py").write_text("")
    assert module_name_for(tmp_path / "app" / "main.py", tmp_path) == ("app.main", False)


def test_a_package_inside_a_namespace_folder_keeps_the_folder_in_its_name(tmp_path: Path) -> None:
    """``tool/app/__init__.py`` without ``tool/__init__.py``: the project imports ``tool.app.services.jobs``."""
    package = tmp_path / "tool" / "app"
    (package / "services").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "services" / "__init__.py").write_text("")
    (package / "services" / "jobs.py").write_text("")
    assert module_name_for(package / "services" / "jobs.py", tmp_path) == ("tool.app.services.jobs", False)
    assert module_name_for(package / "services" / "jobs.py", tmp_path / "tool") == ("app.services.jobs", False)
    assert module_name_for(package / "services" / "jobs.py", package) == ("app.services.jobs", False)

"""Code that serves no request is quiet by default; ``include-non-request-code`` reports it again."""

from __future__ import annotations

from pathlib import Path

from fastapi_perf.analysis.engine.file_analysis import analyse_text
from fastapi_perf.analysis.facts.entry_points import is_test_module
from fastapi_perf.analysis.names.modules import module_name_for
from fastapi_perf.analysis.workspace.index import WorkspaceIndex, module_map
from fastapi_perf.config import Settings, parse_table
from helpers import ALL_ENGINE

WORKSPACE = Path(__file__).parent / "workspaces" / "non_request_code"


def findings(include: bool) -> set[tuple[str, int, str]]:
    values = parse_table({"include-non-request-code": include})
    options = Settings(project_uses_fastapi=True, **values).options
    files = sorted(WORKSPACE.rglob("*.py"))
    index = WorkspaceIndex(module_map(files, WORKSPACE), options)
    found = set()
    for path in files:
        module, package = module_name_for(path, WORKSPACE)
        result = analyse_text(path.read_text(), ALL_ENGINE, options, module, package, str(path), index=index)
        found |= {(path.relative_to(WORKSPACE).as_posix(), f.range.start.line + 1, f.code) for f in result.findings}
    return found


def test_the_setting_reports_start_up_cli_private_loops_workers_and_tests() -> None:
    quiet, everything = findings(False), findings(True)
    assert quiet < everything
    extra = everything - quiet
    expected = {
        ("app/main.py", 16, "FAP103"),  # the lifespan itself
        ("app/main.py", 21, "FAP104"),  # its shutdown half
        ("app/main.py", 26, "FAP104"),  # what only the lifespan awaits
        ("app/main.py", 41, "FAP103"),  # @app.on_event("startup")
        ("app/main.py", 45, "FAP103"),  # add_event_handler("shutdown", ...)
        ("app/main.py", 71, "FAP103"),  # asyncio.run(main()) under __main__
        ("app/startup.py", 9, "FAP103"),  # awaited by the lifespan of main.py only
        ("app/cli.py", 21, "FAP103"),  # asyncio.run from a typer command
        ("app/cli.py", 32, "FAP103"),  # a click command
        ("app/cli.py", 37, "FAP103"),  # called only from click commands
        ("app/config.py", 7, "FAP104"),  # asyncio.run(load_settings().reload()) in another file
        ("app/worker.py", 10, "FAP103"),  # asyncio.run in a worker thread
        ("app/worker.py", 23, "FAP103"),  # a Celery task
        ("app/factory.py", 8, "FAP103"),  # a closure another file assigns to ``settings["lifespan"]``
        ("scripts/backfill.py", 6, "FAP103"),
        ("scripts/backfill.py", 11, "FAP103"),
        ("tests/conftest.py", 8, "FAP103"),
        ("tests/test_api.py", 7, "FAP103"),
        ("tests/test_api.py", 8, "FAP102"),
        ("tests/test_api.py", 12, "FAP103"),
    }
    assert expected <= extra, sorted(expected - extra)


def test_test_modules_by_their_names() -> None:
    assert is_test_module("tests.api.test_users")
    assert is_test_module("backend.tests.helpers")
    assert is_test_module("conftest")
    assert is_test_module("app.users_test")
    assert is_test_module("__main__", "/work/project/test_watchdog.py")
    assert not is_test_module("app.api.testimonials")
    assert not is_test_module("app.contest")
    assert not is_test_module("app.latest_tests_router")

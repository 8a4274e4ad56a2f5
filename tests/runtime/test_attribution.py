"""Which frame a stack is attributed to, and the code it gets from the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi_perf.runtime.attribution import Attributor
from fastapi_perf.runtime.frames import Frame, ModuleNames, Owner, ProjectFiles, parse_trace


@pytest.fixture
def layout(tmp_path: Path):
    root = tmp_path / "proj"
    packages = root / ".venv" / "lib" / "python3.11" / "site-packages"
    stdlib = tmp_path / "python" / "lib"
    for folder in (root / "app", root / "tests", packages, stdlib):
        folder.mkdir(parents=True)
    project = ProjectFiles(root)
    modules = ModuleNames([str(packages), str(stdlib), str(root)])
    return root, packages, stdlib, Attributor(project, modules)


def test_owners(layout) -> None:
    root, packages, _, attributor = layout
    project = attributor.project
    assert project.owner(str(root / "app" / "routes.py")) is Owner.APP
    assert project.owner(str(root / "tests" / "test_routes.py")) is Owner.TEST
    assert project.owner(str(root / "tests" / "conftest.py")) is Owner.TEST
    assert project.owner(str(packages / "requests" / "api.py")) is Owner.LIBRARY  # a virtualenv inside the project
    assert project.owner("<frozen genericpath>") is Owner.LIBRARY
    assert project.relative(str(root / "app" / "routes.py")) == "app/routes.py"


def test_the_innermost_project_frame_and_the_library_it_called(layout) -> None:
    root, packages, stdlib, attributor = layout
    frames = [
        Frame(str(stdlib / "socket.py"), 10, "recv_into"),
        Frame(str(packages / "urllib3" / "connectionpool.py"), 20, "urlopen"),
        Frame(str(packages / "requests" / "api.py"), 30, "get"),
        Frame(str(root / "app" / "clients.py"), 7, "fetch_weather"),
        Frame(str(root / "app" / "routes.py"), 12, "weather"),
        Frame(str(packages / "fastapi" / "routing.py"), 300, "run_endpoint_function"),
    ]
    found = attributor.attribute(frames, "socket.socket.recv_into")
    assert found.site == frames[3]
    assert found.code == "FAP102"  # requests.get, the outermost library call the catalogue knows
    assert found.call == "requests.get"
    assert [f.function for f in found.chain] == ["weather", "fetch_weather"]


@pytest.mark.parametrize(
    ("module", "function", "call", "code"),
    [
        ("sqlalchemy/orm/session.py", "execute", None, "FAP101"),
        ("redis/commands/core.py", "incr", "socket.socket.sendall", "FAP107"),
        ("botocore/client.py", "_api_call", "socket.socket.connect", "FAP107"),
        ("passlib/context.py", "verify", None, "FAP105"),
        ("json/encoder.py", "encode", None, "FAP105"),
        ("urllib/parse.py", "quote", "open", "FAP104"),
    ],
)
def test_codes_from_the_catalogue(layout, module, function, call, code) -> None:
    root, packages, _, attributor = layout
    frames = [Frame(str(packages / module), 1, function), Frame(str(root / "app" / "x.py"), 3, "route")]
    assert attributor.attribute(frames, call).code == code


@pytest.mark.parametrize(
    ("call", "code"),
    [("time.sleep", "FAP103"), ("open", "FAP104"), ("os.listdir", "FAP104"), ("subprocess.Popen", "FAP106"),
     ("os.system", "FAP106"), ("sqlite3.connect", "FAP107"), ("socket.getaddrinfo", "FAP107"), (None, "FAP105")],
)
def test_codes_of_calls_made_by_the_project_itself(layout, call, code) -> None:
    root, _, _, attributor = layout
    assert attributor.attribute([Frame(str(root / "app" / "x.py"), 3, "route")], call).code == code


def test_the_frameworks_own_work_is_not_blamed_on_a_project_middleware(layout) -> None:
    root, packages, stdlib, attributor = layout
    frames = [
        Frame(str(stdlib / "inspect.py"), 900, "getsourcefile"),
        Frame(str(packages / "fastapi" / "routing.py"), 305, "_extract_endpoint_context"),
        Frame(str(packages / "starlette" / "middleware" / "base.py"), 100, "call_next"),
        Frame(str(root / "app" / "middleware.py"), 9, "add_header"),
    ]
    assert attributor.attribute(frames, "os.stat") is None


def test_a_template_render_is_the_route_s_doing(layout) -> None:
    root, packages, _, attributor = layout
    frames = [
        Frame(str(packages / "jinja2" / "loaders.py"), 200, "get_source"),
        Frame(str(packages / "starlette" / "templating.py"), 150, "TemplateResponse"),
        Frame(str(root / "app" / "pages.py"), 21, "home"),
    ]
    found = attributor.attribute(frames, "open")
    assert found.site.line == 21 and found.code == "FAP104"


def test_tests_and_imports_are_not_attributed(layout) -> None:
    root, _, _, attributor = layout
    test = [Frame(str(root / "tests" / "test_x.py"), 5, "test_it"), Frame(str(root / "app" / "x.py"), 3, "helper")]
    assert attributor.attribute(test, "open") is None
    loading = [Frame("<frozen importlib._bootstrap_external>", 1130, "get_data"), Frame(str(root / "app" / "x.py"), 3, "route")]
    assert attributor.attribute(loading, "open") is None


def test_parse_trace_keeps_colons_in_paths() -> None:
    assert parse_trace("/a:b/x.py:12:route <- <frozen runpy>:88:_run_code <- garbage") == [
        Frame("/a:b/x.py", 12, "route"), Frame("<frozen runpy>", 88, "_run_code"),
    ]

"""A ``pyproject.toml`` with a wrong type anywhere fastapi-perf reads it: one message naming the key.

The command line prints one line and exits 2; the language server shows a
warning (``window/showMessage``) and analyses with the defaults: open
documents get their diagnostics and the workspace index is still built.
"""

from __future__ import annotations

import pytest
import pytest_lsp
from cli.conftest import fastapi_perf
from lsprotocol import types

from .harness import RecordingClient, config, initialize, open_text

pytestmark = pytest.mark.timeout(90)

APP = """import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root():
    time.sleep(1)
    return {}
"""

# pyproject.toml -> the key the message must name.
WRONG: dict[str, tuple[str, str]] = {
    "tool": ("tool = 1\n", "`tool`"),
    "project": ("project = 'app'\n", "`project`"),
    "dependencies": ("[project]\nname = 'app'\ndependencies = 5\n", "`project.dependencies`"),
    "dependency-item": ("[project]\nname = 'app'\ndependencies = ['fastapi', 5]\n", "`project.dependencies`"),
    "optional-dependencies": ("[project]\noptional-dependencies = ['fastapi']\n", "`project.optional-dependencies`"),
    "optional-group": ("[project.optional-dependencies]\nweb = 'fastapi'\n", "`project.optional-dependencies`"),
    "poetry": ("[tool]\npoetry = []\n", "`tool.poetry`"),
    "poetry-dependencies": ("[tool.poetry]\ndependencies = ['fastapi']\n", "`tool.poetry.dependencies`"),
    "section": ("[tool]\nfastapi-perf = ['FAP1']\n", "`tool.fastapi-perf`"),
    "exclude-pattern": ("[tool.fastapi-perf]\nexclude = ['!']\n", "`exclude`"),
    "extend-exclude-pattern": ("[tool.fastapi-perf]\nextend-exclude = ['\\']\n", "`extend-exclude`"),
    "per-file-ignores-pattern": ("[tool.fastapi-perf]\nper-file-ignores = { '!' = ['FAP1'] }\n", "`per-file-ignores`"),
    # Each [tool.fastapi-perf] key with a value of the wrong type.
    "select": ("[tool.fastapi-perf]\nselect = 5\n", "`select`"),
    "extend-select": ("[tool.fastapi-perf]\nextend-select = [1]\n", "`extend-select`"),
    "ignore": ("[tool.fastapi-perf]\nignore = { FAP1 = true }\n", "`ignore`"),
    "per-file-ignores": ("[tool.fastapi-perf]\nper-file-ignores = ['tests/*']\n", "`per-file-ignores`"),
    "per-file-ignores-codes": ("[tool.fastapi-perf]\nper-file-ignores = { 'tests/*' = 3 }\n", "`per-file-ignores.tests/*`"),
    "exclude": ("[tool.fastapi-perf]\nexclude = 1\n", "`exclude`"),
    "extend-exclude": ("[tool.fastapi-perf]\nextend-exclude = [true]\n", "`extend-exclude`"),
    "severity": ("[tool.fastapi-perf]\nseverity = 'error'\n", "`severity`"),
    "severity-level": ("[tool.fastapi-perf]\nseverity = { FAP103 = 1 }\n", "`severity.FAP103`"),
    "extend-blocking-calls": ("[tool.fastapi-perf]\nextend-blocking-calls = ['x.y']\n", "`extend-blocking-calls`"),
    "extend-blocking-calls-list": ("[tool.fastapi-perf]\nextend-blocking-calls = { FAP107 = 2 }\n", "`extend-blocking-calls.FAP107`"),
    "extend-cpu-heavy-calls": ("[tool.fastapi-perf]\nextend-cpu-heavy-calls = { a = 1 }\n", "`extend-cpu-heavy-calls`"),
    "extend-critical-calls": ("[tool.fastapi-perf]\nextend-critical-calls = 0\n", "`extend-critical-calls`"),
    "all-asyncio-files": ("[tool.fastapi-perf]\nall-asyncio-files = 'yes'\n", "`all-asyncio-files`"),
    "include-non-request-code": ("[tool.fastapi-perf]\ninclude-non-request-code = 'no'\n", "`include-non-request-code`"),
    "unsafe-fixes": ("[tool.fastapi-perf]\nunsafe-fixes = 1\n", "`unsafe-fixes`"),
    "max-file-size": ("[tool.fastapi-perf]\nmax-file-size = '2 MB'\n", "`max-file-size`"),
    "target-version": ("[tool.fastapi-perf]\ntarget-version = 3\n", "`target-version`"),
    "follow-imports": ("[tool.fastapi-perf]\nfollow-imports = []\n", "`follow-imports`"),
    "inference": ("[tool.fastapi-perf]\ninference = 'false'\n", "`inference`"),
}


def test_every_settings_key_has_a_wrong_type_case() -> None:
    from fastapi_perf.config import KNOWN_KEYS

    assert set(KNOWN_KEYS) <= set(WRONG)


@pytest.mark.parametrize("case", WRONG, ids=str)
def test_cli_names_the_key_and_exits_2(tmp_path, case: str) -> None:
    pyproject, key = WRONG[case]
    (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "app.py").write_text(APP)
    run = fastapi_perf("check", "--no-cache", cwd=tmp_path)
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("fastapi-perf: error: ") and key in lines[0], run.stderr
    assert str(tmp_path / "pyproject.toml") in lines[0]
    assert run.stdout == ""


@pytest_lsp.fixture(config=config())
async def client(lsp_client: RecordingClient):
    yield lsp_client
    await lsp_client.close_session()


@pytest.mark.parametrize("case", ["tool", "dependencies", "exclude-pattern", "select"])
async def test_server_warns_and_analyses_with_the_defaults(client: RecordingClient, tmp_path, case: str) -> None:
    pyproject, key = WRONG[case]
    (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "helpers.py").write_text("import time\n\n\ndef pause():\n    time.sleep(1)\n")
    await initialize(client, "visual_studio_code", tmp_path, fastapi=False)
    text = "from helpers import pause\n" + APP + "\n\n@app.get('/h')\nasync def h():\n    pause()\n"
    uri = open_text(client, text)
    found = await client.diagnostics_of(uri, 1)
    assert {d.code for d in found} >= {"FAP103", "FAP201"}, found
    pause_line = text.splitlines().index("    pause()")
    await client.next_publication(
        lambda p: p.uri == uri and any(d.code == "FAP103" and d.range.start.line == pause_line for d in p.diagnostics)
    )  # the call into helpers.py is followed once the workspace is indexed
    assert any(isinstance(p, types.WorkDoneProgressEnd) for reports in client.progress_reports.values() for p in reports)
    warnings = [m for m in client.messages if m.type == types.MessageType.Warning]
    assert warnings and all(key in m.message for m in warnings), [m.message for m in client.messages]
    assert len({m.message for m in warnings}) == 1, "one message, not one per file"
    assert not client.errors(), client.errors()

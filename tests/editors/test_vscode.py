"""The VS Code extension, end to end, in a real VS Code.

VS Code is code-server 4.100.3 (VS Code 1.100.3 in a browser; later releases
need Node 22+), shown in Debian's headless Chromium through playwright-core.
The window runs in extension-test mode: the *packaged* .vsix, unzipped, is
the extension under development, so what is tested is what users install,
bundled server included. tests/editors/vscode/suite/index.js runs inside the
extension host and records what the editor shows; this module asserts on it.

Everything is installed by scripts/setup.d/vscode.sh; a missing piece fails
the test (CI must never skip it). Only loopback is used.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import require

pytestmark = pytest.mark.editor

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXTENSION = ROOT / "vscode-extension"
VSIX = EXTENSION / "fastapi-perf.vsix"
HARNESS = HERE / "vscode"
CODE_SERVER = HARNESS / "node_modules" / ".bin" / "code-server"
ARTIFACTS = ROOT / "test-artifacts" / "vscode"
SETUP = "bash scripts/setup.d/vscode.sh"

APP = """import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root():
    time.sleep(1)
    return {"ok": True}
"""
# A script that must never run: it leaves a mark and fails.
TRAP = "#!/bin/sh\ntouch \"$(dirname \"$0\")/RAN-$(basename \"$0\")\"\nexit 1\n"


def _system_python() -> str:
    """A Python >= 3.10 without fastapi-perf installed, to run the bundled server."""
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if Path(candidate).exists():
            script = "import sys, importlib.util as u; print(sys.version_info >= (3, 10) and not u.find_spec('fastapi_perf'))"
            probe = subprocess.run([candidate, "-c", script], capture_output=True, text=True, cwd="/", check=False)
            if probe.stdout.strip() == "True":
                return candidate
    pytest.fail("no Python >= 3.10 without fastapi-perf in /usr/bin or /usr/local/bin (apt-get install python3)")


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .vsix as VS Code would install it."""
    require("node")
    require("chromium")
    if not CODE_SERVER.exists():
        pytest.fail(f"code-server is not installed in {HARNESS}; run {SETUP}")
    if not VSIX.exists():
        pytest.fail(f"{VSIX} is missing; run {SETUP}")
    newest = max(p.stat().st_mtime for p in [*EXTENSION.joinpath("src").rglob("*.ts"), EXTENSION / "package.json"])
    if VSIX.stat().st_mtime < newest:
        pytest.fail(f"{VSIX.name} is older than the extension's sources; run {SETUP}")
    target = tmp_path_factory.mktemp("vsix")
    with zipfile.ZipFile(VSIX) as archive:
        archive.extractall(target)
    return target / "extension"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def code_server(home: Path, workspace: Path, settings: dict, untrusted: bool) -> Iterator[str]:
    """A code-server with a fresh profile; the whole process group is ended afterwards.

    Workspace trust is off (everything trusted) unless `untrusted`: then it is on and
    the folder, new to this profile, starts untrusted.
    """
    port = _free_port()
    profile, extensions = home / "user-data", home / "extensions"
    (profile / "User").mkdir(parents=True)
    (profile / "User" / "settings.json").write_text(json.dumps(settings, indent=2))
    shutil.copytree(HARNESS / "python-stub", extensions / "ms-python.python-2099.1.0")
    config = home / "config.yaml"
    config.write_text(f"bind-addr: 127.0.0.1:{port}\nauth: none\ncert: false\n")
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(home / "xdg-config"),  # code-server writes its config and state there
        "XDG_DATA_HOME": str(home / "xdg-data"),
        "XDG_CACHE_HOME": str(home / "xdg-cache"),  # and VS Code its device id
    }
    args = [str(CODE_SERVER), "--config", str(config), "--user-data-dir", str(profile),
            "--extensions-dir", str(extensions), "--disable-telemetry", "--disable-update-check",
            "--disable-getting-started-override", "--ignore-last-opened"]
    if not untrusted:
        args.append("--disable-workspace-trust")
    log = (home / "code-server.log").open("w")
    process = subprocess.Popen([*args, str(workspace)], env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if opener.open(f"{url}/healthz", timeout=2).status == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"code-server did not start:\n{(home / 'code-server.log').read_text()[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        # The extension host and our server outlive the browser (code-server waits hours for a
        # reconnection), so end the whole group: code-server, extension host, language server.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # stragglers in the group
        log.close()


def run_session(home: Path, workspace: Path, extension: Path, session: dict, settings: dict, untrusted: bool) -> dict:
    """Runs the suite once in a fresh code-server; returns its record (fails with the logs if there is none)."""
    state = workspace / ".fap-e2e"
    state.mkdir(parents=True, exist_ok=True)
    (state / "session.json").write_text(json.dumps(session))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = {
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": False,
        "security.workspace.trust.enabled": untrusted,
        "security.workspace.trust.startupPrompt": "never",
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.autoUpdate": False,
        "extensions.autoCheckUpdates": False,
        "workbench.enableExperiments": False,
        "git.enabled": False,
        "files.exclude": {".fap-e2e": True},
    }
    with code_server(home, workspace, {**base, **settings}, untrusted) as url:
        driver = subprocess.run(
            [require("node"), str(HARNESS / "driver.mjs"), url, str(workspace), str(extension),
             str(HARNESS / "suite" / "index.js"), str(ARTIFACTS), "120000"],
            capture_output=True, text=True, timeout=180, cwd=HARNESS,
            # Chromium keeps crash reports under XDG_CONFIG_HOME: keep them out of ~ too.
            env={**os.environ, "CHROMIUM": require("chromium"), "XDG_CONFIG_HOME": str(home / "xdg-config"),
                 "XDG_CACHE_HOME": str(home / "xdg-cache")},
            check=False,
        )
    result = state / "result.json"
    if not result.exists():
        pytest.fail(f"the suite wrote no result\n{driver.stdout}\n{driver.stderr}\n{_logs(home)}")
    record = json.loads(result.read_text())
    print(driver.stdout)
    print(json.dumps(record, indent=2))
    if not record["ok"]:
        record["error"] += f"\n{_logs(home)}"
    return record


def _logs(home: Path) -> str:
    """The tail of code-server's, the extension host's and the fastapi-perf output channel's logs."""
    names = ("code-server.log", "remoteexthost.log", "fastapi-perf.log")
    return "\n".join(f"== {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in home.rglob("*.log") if p.name in names)


def by_code(diagnostics: list[dict]) -> dict[str, dict]:
    return {d["code"]: d for d in diagnostics}


def test_vscode_extension_end_to_end(unpacked: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "app.py").write_text(APP)
    (workspace / "second.py").write_text(APP)
    system_python = _system_python()
    venv_fastapi_perf = Path(sys.executable).with_name("fastapi-perf")
    if not venv_fastapi_perf.exists():
        pytest.fail(f"{venv_fastapi_perf} is missing: install this package (pip install -e .)")
    session = {"kind": "trusted", "venvPython": sys.executable, "venvFastapiPerf": str(venv_fastapi_perf)}
    record = run_session(tmp_path / "home", workspace, unpacked, session,
                         {"pythonStub.interpreter": system_python}, untrusted=False)
    assert record["ok"], record.get("error")

    # 1. No fastapi-perf in the selected interpreter: the bundled server, run by that interpreter,
    #    from the wheels it unpacked into the extension's folder before starting.
    assert record["bundled"]["source"] == "bundled"
    assert record["bundled"]["command"] == system_python
    (libs,) = (unpacked / "bundled").glob("libs-*")
    assert (libs / "fastapi_perf" / "__init__.py").exists() and (libs / "jedi").is_dir()

    # 2. Diagnostics, with the rule's docs page as the code's link.
    found = by_code(record["diagnostics"])
    assert set(found) == {"FAP103", "FAP201"}
    assert (found["FAP103"]["line"], found["FAP103"]["character"]) == (9, 4)
    assert found["FAP103"]["severity"] == "warning"
    assert found["FAP103"]["href"] and "FAP103" in found["FAP103"]["href"]
    assert (ARTIFACTS / "problems.png").stat().st_size > 10_000

    # 3. The quick fix is listed and applying it edits the document; the finding goes away.
    titles = [a["title"] for a in record["actions"]]
    assert "Replace with `await asyncio.sleep(...)` (FAP103)" in titles
    assert any(t.startswith("Disable FAP103") for t in titles), titles
    assert "    await asyncio.sleep(1)\n" in record["fixedText"] and "import asyncio\n" in record["fixedText"]
    assert record["afterFix"] == []

    # 4. Settings changes reach the running server.
    assert [d["code"] for d in record["ignored"]] == ["FAP103"]
    assert record["severity"]["severity"] == "error"

    # 5. fastapi-perf.path, then the Python extension's interpreter; settings survive restarts
    #    (they travel in initializationOptions).
    assert record["path"]["source"] == "path" and record["path"]["command"] == str(venv_fastapi_perf)
    assert record["path"]["args"] == ["lsp"]
    assert [(d["code"], d["severity"]) for d in record["pathDiagnostics"]] == [("FAP103", "error")]
    assert record["pythonExtension"]["command"] == sys.executable
    assert record["pythonExtension"]["args"] == ["-m", "fastapi_perf", "lsp"]
    assert [d["code"] for d in record["pythonExtensionDiagnostics"]] == ["FAP103"]
    assert record["restarted"]["starts"] > record["pythonExtension"]["starts"]
    assert set(record["commands"]) >= {"fastapi-perf.restart", "fastapi-perf.showLogs"}


def test_vscode_untrusted_workspace_runs_only_the_bundled_server(unpacked: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    (workspace / ".venv" / "bin").mkdir(parents=True)
    (workspace / ".vscode").mkdir()
    (workspace / "app.py").write_text(APP)
    traps = [workspace / ".venv" / "bin" / "fastapi-perf", workspace / ".venv" / "bin" / "python"]
    for trap in traps:
        trap.write_text(TRAP)
        trap.chmod(0o755)
    (workspace / ".vscode" / "settings.json").write_text(json.dumps(
        {"fastapi-perf.path": str(traps[0]), "fastapi-perf.interpreter": str(traps[1])}
    ))
    record = run_session(tmp_path / "home", workspace, unpacked, {"kind": "untrusted"},
                         {"pythonStub.interpreter": str(traps[1])}, untrusted=True)
    assert record["isTrusted"] is False
    assert record["ok"], record.get("error")
    assert record["workspacePathSetting"] == "", "VS Code must not hand out restricted workspace settings"
    status = record["status"]
    assert status["source"] == "bundled"
    assert not Path(status["command"]).is_relative_to(workspace)
    assert {d["code"] for d in record["diagnostics"]} == {"FAP103", "FAP201"}
    assert not list(workspace.rglob("RAN-*")), "a workspace executable was run"

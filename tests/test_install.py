"""The install commands of the README and docs/cli.md work as written, from a copy of this clone.

Each command runs in a fresh environment, with the package index replaced by
the wheelhouse that scripts/test.sh fills (``<venv>/wheelhouse``: the
dependencies, setuptools and build), so nothing is downloaded here and a
command that passes needs nothing PyPI does not serve (tests/offline_install.py
sets this up). The `fastapi-perf` each one installs then checks the demo. No
page may tell users to install a `fastapi-perf` from PyPI: none is published.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from offline_install import REPOSITORY, ROOT, TIMEOUT_S, is_commit, offline_env, run

CLI_PAGE = ROOT / "docs" / "cli.md"


def bash_blocks(page: Path, section: str | None = None) -> list[list[str]]:
    """The command lines of each ```bash block (comments dropped), in one `## section` or the whole page."""
    text = page.read_text()
    if section is not None:
        start = text.index(f"## {section}\n")
        end = text.find("\n## ", start + 1)
        text = text[start : end if end != -1 else None]
    blocks = re.findall(r"```bash\n(.*?)```", text, re.DOTALL)
    return [[line for line in (re.sub(r"\s+#.*$", "", raw).strip() for raw in block.splitlines()) if line]
            for block in blocks]


def install_blocks() -> list[list[str]]:
    blocks = bash_blocks(CLI_PAGE, "Install")
    assert len(blocks) == 3, "docs/cli.md's Install section: the clone, the wheel, the git URL"
    return blocks


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """This tree as a fresh clone would have it, uncommitted changes included."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    target = tmp_path / "fastapi-perf"
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="session")
def virtualenv_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("virtualenv-data")


@pytest.fixture
def offline(tmp_path: Path, virtualenv_data: Path) -> dict[str, str]:
    return offline_env(tmp_path, virtualenv_data)


def activated(venv: Path, env: dict[str, str]) -> dict[str, str]:
    """`env` with a fresh virtualenv at `venv` activated, as `source venv/bin/activate` would.

    virtualenv, not `venv`: it seeds a current pip from its cache in a moment (ensurepip takes
    seconds, and an old pip that misreads `name @ git+file://...`).
    """
    subprocess.run([sys.executable, "-m", "virtualenv", "--quiet", str(venv)], env=env, check=True, timeout=TIMEOUT_S)
    return {**env, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}"}


def assert_checks_the_demo(program: Path, clone: Path) -> None:
    assert program.exists(), f"{program} was not installed"
    result = subprocess.run([str(program), "check", "--no-cache", "demo"], cwd=clone, capture_output=True,
                            text=True, timeout=TIMEOUT_S, check=False)
    assert result.returncode == 1, result.stdout + result.stderr  # findings, as the README says
    assert "demo/shop/catalog.py" in result.stdout and "FAP103" in result.stdout, result.stdout


def test_readme_first_command(clone: Path, offline: dict[str, str]) -> None:
    """`pip install .` from a clone, as the README and docs/cli.md give it."""
    first = bash_blocks(ROOT / "README.md")[0]
    assert first == ["python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/fastapi-perf check demo"]
    assert "pip install ." in install_blocks()[0]  # the same command, in an activated virtualenv
    result = run(first[0], clone, offline)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAP103" in result.stdout and "Found" in result.stdout, result.stdout


@pytest.mark.parametrize("command", [c for c in install_blocks()[0] if c.split()[:2] not in (["git", "clone"], ["pip", "install"])])
def test_install_from_a_clone(command: str, clone: Path, offline: dict[str, str]) -> None:
    """The tool installers; `pip install .` is the README's first command, tested above."""
    if command == "pipx install .":
        env, program = offline, Path(offline["PIPX_BIN_DIR"]) / "fastapi-perf"
    elif command == "uv tool install .":
        env, program = offline, Path(offline["UV_TOOL_BIN_DIR"]) / "fastapi-perf"
    else:
        pytest.fail(f"docs/cli.md gives `{command}`, which no test runs")
    result = run(command, clone, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_checks_the_demo(program, clone)


def test_the_clone_line_names_the_repository() -> None:
    assert install_blocks()[0][0] == f"git clone {REPOSITORY} && cd fastapi-perf"


def test_a_built_wheel_installs_elsewhere(clone: Path, offline: dict[str, str], tmp_path: Path) -> None:
    build, install = install_blocks()[1]
    assert build == "python -m pip install build && python -m build"
    result = run(build, clone, activated(tmp_path / "build-venv", offline))
    assert result.returncode == 0, result.stdout + result.stderr
    assert {p.name for p in (clone / "dist").iterdir()} == {"fastapi_perf-0.1.0.tar.gz",
                                                           "fastapi_perf-0.1.0-py3-none-any.whl"}
    # A second, unrelated environment: the wheel alone is enough.
    result = run(install, clone, activated(tmp_path / "venv", offline))
    assert result.returncode == 0, result.stdout + result.stderr
    assert_checks_the_demo(tmp_path / "venv" / "bin" / "fastapi-perf", clone)


def test_the_documented_commit_installs_from_git(clone: Path, offline: dict[str, str], tmp_path: Path) -> None:
    """The git URL's commit exists in this repository's history and installs (pip clones this checkout)."""
    ((command,),) = install_blocks()[2:]
    match = re.fullmatch(rf'pip install "fastapi-perf @ git\+{re.escape(REPOSITORY)}@([0-9a-f]{{40}})"', command)
    assert match, command
    assert is_commit(match[1]), f"{match[1]} is not in this clone's history (a shallow clone?)"
    local = command.replace(REPOSITORY, ROOT.as_uri())
    result = run(local, tmp_path, activated(tmp_path / "venv", offline))
    assert result.returncode == 0, result.stdout + result.stderr
    assert_checks_the_demo(tmp_path / "venv" / "bin" / "fastapi-perf", clone)


def test_no_page_installs_fastapi_perf_from_pypi() -> None:
    """`pip install fastapi-perf` (or pipx, uv, an extra) would find nothing, or someone else's package."""
    pattern = re.compile(r"\b(?:pip|pipx|uv pip|uv tool) install\s+['\"]?fastapi-perf(?:\[[^\]]*\])?(?!\s*@)['\"]?(?=\s|$|`)",
                         re.MULTILINE)
    pages = [ROOT / "README.md", ROOT / "vscode-extension" / "README.md", *(ROOT / "docs").rglob("*.md")]
    offenders = [f"{page.relative_to(ROOT)}: {m[0]}" for page in pages for m in pattern.finditer(page.read_text())]
    assert not offenders, offenders

"""The FastAPI gate reads every manifest a real project uses (issue 13).

Each project has a route in ``app/main.py`` and, in ``app/services.py``, a
file that never imports ``fastapi``, an ``async def`` that sleeps. The
FastAPI rules reach that file only when the project declares FastAPI, so
its FAP103 is the gate's answer. Every project holds a ``.git`` folder: the
search stops there and never reads the machine's folders above.

Decided and tested here: a mention of FastAPI that is not a requirement (a
comment, a docstring, ``keywords=`` of ``setup.py``, a description of
``METADATA``, a constraints file) does not open the gate; a requirement
behind an extra (``extra == "server"``, ``extras_require``, PEP 621
``optional-dependencies``) does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import fastapi_perf

MAIN = '''from fastapi import FastAPI

from app.services import fetch

api = FastAPI()


@api.get("/items")
async def items():
    return fetch()
'''

SERVICES = '''import time


def fetch():
    time.sleep(0.5)
    return []


async def refresh():
    time.sleep(0.5)
'''

GATED_SITE = ("app/services.py", 10, "FAP103")

Files = dict[str, str]


def make_project(root: Path, files: Files) -> Path:
    """A repository at ``root``: the app, a ``.git`` folder and ``files`` (path relative to ``root`` → text)."""
    (root / ".git").mkdir(parents=True)
    package = root / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "main.py").write_text(MAIN)
    (package / "services.py").write_text(SERVICES)
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def gated(project: Path, cwd: Path | None = None) -> bool:
    """The run from ``cwd`` (the project by default) reports the blocking call of the file without ``fastapi``."""
    run = fastapi_perf("check", ".", "--output-format", "json", "--no-cache", "--exit-zero", cwd=cwd or project)
    assert run.returncode == 0, run.stderr
    found = set()
    for item in json.loads(run.stdout):
        path = ((cwd or project) / item["filename"]).resolve().relative_to(project.resolve()).as_posix()
        found.add((path, item["location"]["row"], item["code"]))
    assert ("app/main.py", 10, "FAP103") in found, "the route itself is always checked"
    return GATED_SITE in found


METADATA_HEAD = "Metadata-Version: 2.1\nName: shop\nVersion: 1.0\n"

DECLARED: dict[str, Files] = {
    "pep621": {"pyproject.toml": "[project]\nname = 'shop'\ndependencies = ['FastAPI==0.110']\n"},
    "pep621-extra": {"pyproject.toml": "[project]\nname = 'shop'\n[project.optional-dependencies]\nweb = ['fastapi[standard]>=0.100']\n"},
    "pep735": {"pyproject.toml": "[dependency-groups]\ndev = [{include-group = 'test'}, 'fastapi']\ntest = ['pytest']\n"},
    "poetry": {"pyproject.toml": "[tool.poetry.dependencies]\npython = '^3.11'\nFastAPI = '^0.110'\n"},
    "poetry-group": {"pyproject.toml": "[tool.poetry.dependencies]\npython = '^3.11'\n[tool.poetry.group.web.dependencies]\nfastapi = '*'\n"},
    "pdm": {"pyproject.toml": "[tool.pdm.dev-dependencies]\nweb = ['fastapi>=0.100']\n"},
    "uv": {"pyproject.toml": "[tool.uv]\ndev-dependencies = ['fastapi ; python_version > \"3.8\"']\n"},
    "hatch": {"pyproject.toml": "[tool.hatch.envs.default]\ndependencies = ['fastapi']\n"},
    "setup.py-name": {"setup.py": "from setuptools import setup\n\nREQUIRES = ['pydantic', 'fastapi>=0.100']\n\nsetup(name='shop', install_requires=REQUIRES)\n"},
    "setup.py-extras": {"setup.py": "import setuptools\n\nsetuptools.setup(name='shop', extras_require={'web': ['fastapi']})\n"},
    "setup.cfg": {"setup.cfg": "[metadata]\nname = shop\n\n[options]\ninstall_requires =\n    pydantic\n    fastapi >= 0.100  # the API\n"},
    "setup.cfg-extras": {"setup.cfg": "[options.extras_require]\nweb =\n    fastapi\n"},
    "requirements": {"requirements.txt": "uvicorn\nFastAPI==0.110 \\\n    --hash=sha256:abc\n"},
    "requirements-folder": {"requirements/base.txt": "fastapi[standard]\n"},
    "requirements-include": {"requirements-dev.txt": "pytest\n--requirement deps/web.txt\n", "deps/web.txt": "-r ../deps/more.txt\n", "deps/more.txt": "fastapi\n"},
    "requirements-egg": {"requirements.txt": "-e git+https://github.com/tiangolo/fastapi#egg=fastapi\n"},
    "pipfile": {"Pipfile": "[packages]\nuvicorn = '*'\n\n[dev-packages]\nFastAPI = '*'\n"},
    "metadata": {"shop-1.0.dist-info/METADATA": METADATA_HEAD + "Requires-Dist: pydantic\nRequires-Dist: fastapi (>=0.100)\n\nA shop.\n"},
    "metadata-extra": {"shop-1.0.dist-info/METADATA": METADATA_HEAD + 'Requires-Dist: fastapi>=0.100 ; extra == "server"\n'},
    "egg-info": {"shop.egg-info/requires.txt": "pydantic\n\n[server]\nfastapi>=0.100\n"},
}

NOT_DECLARED: dict[str, Files] = {
    "nothing": {},
    "look-alikes": {"requirements.txt": "fastapi-users\nfastapi_utils==0.2\nfastapi-cli\nfastapi.contrib\n# fastapi\n  # fastapi>=0.100\n"},
    "requirements-cycle": {"requirements.txt": "-r requirements-dev.txt\npydantic\n", "requirements-dev.txt": "-r requirements.txt\npytest\n"},
    "constraints": {"requirements.txt": "-c constraints.txt\npydantic\n", "constraints.txt": "fastapi==0.110\n"},
    "pyproject-mentions": {"pyproject.toml": "[project]\nname = 'shop'\nkeywords = ['fastapi']\ndependencies = ['fastapi-users']\n[tool.other]\ndeps = ['fastapi']\n"},
    "poetry-look-alike": {"pyproject.toml": "[tool.poetry.dependencies]\nfastapi-users = '*'\n"},
    "setup.py-mentions": {
        "setup.py": (
            '"""A shop for fastapi users."""\n# install_requires=["fastapi"]\nfrom setuptools import setup\n\n'
            "setup(name='shop', keywords=['fastapi'], install_requires=['fastapi-users'])\n"
        )
    },
    "setup.cfg-mentions": {"setup.cfg": "[metadata]\nkeywords = fastapi\n\n[options]\ninstall_requires =\n    fastapi-users\n"},
    "pipfile-look-alike": {"Pipfile": "[packages]\nfastapi-users = '*'\n[scripts]\nfastapi = 'run'\n"},
    "metadata-mentions": {"shop-1.0.dist-info/METADATA": METADATA_HEAD + "Requires-Dist: fastapi-users\n\nRequires-Dist: fastapi\n"},
}


@pytest.mark.parametrize("files", DECLARED.values(), ids=DECLARED.keys())
def test_each_manifest_kind_opens_the_gate(tmp_path: Path, files: Files) -> None:
    assert gated(make_project(tmp_path / "shop", files))


@pytest.mark.parametrize("files", NOT_DECLARED.values(), ids=NOT_DECLARED.keys())
def test_mentions_and_look_alikes_keep_it_closed(tmp_path: Path, files: Files) -> None:
    assert not gated(make_project(tmp_path / "shop", files))


def test_a_manifest_up_to_the_repository_root_counts(tmp_path: Path) -> None:
    repo = make_project(tmp_path / "repo", {"requirements.txt": "fastapi\n"})
    project = repo / "services" / "shop"
    project.mkdir(parents=True)
    (repo / "app").rename(project / "app")
    (project / "pyproject.toml").write_text("[project]\nname = 'shop'\ndependencies = ['pydantic']\n")
    assert gated(project)
    assert gated(project, cwd=project / "app")


def test_the_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("fastapi\n")
    assert not gated(make_project(tmp_path / "repo", {"pyproject.toml": "[project]\nname = 'shop'\n"}))


@pytest.mark.parametrize("manifest", ["backend/pyproject.toml", "backend/requirements.txt"])
def test_a_sub_project_one_level_below_the_repository_root_counts(tmp_path: Path, manifest: str) -> None:
    text = "fastapi\n" if manifest.endswith(".txt") else "[project]\nname = 'api'\ndependencies = ['fastapi']\n"
    files = {"pyproject.toml": "[project]\nname = 'mono'\n", manifest: text, "docs/requirements.txt": "mkdocs\n"}
    assert gated(make_project(tmp_path / "mono", files))


@pytest.mark.parametrize("folder", ["examples", "docs", "tests"])
def test_the_examples_docs_and_tests_below_do_not(tmp_path: Path, folder: str) -> None:
    files = {"pyproject.toml": "[project]\nname = 'lib'\n", f"{folder}/requirements.txt": "fastapi\n"}
    assert not gated(make_project(tmp_path / "lib", files))


def test_without_git_the_project_root_stands_for_the_repository_root(tmp_path: Path) -> None:
    files = {"pyproject.toml": "[project]\nname = 'mono'\n", "server/pyproject.toml": "[project]\ndependencies = ['fastapi']\n"}
    project = make_project(tmp_path / "mono", files)
    (project / ".git").rmdir()  # a source archive: no repository folder
    assert gated(project)


def test_two_levels_below_do_not(tmp_path: Path) -> None:
    files = {"pyproject.toml": "[project]\nname = 'mono'\n", "services/backend/requirements.txt": "fastapi\n"}
    assert not gated(make_project(tmp_path / "mono", files))


def test_the_home_folder_is_no_project(tmp_path: Path) -> None:
    """Checked from the home folder, the projects below it are not read as its sub-projects."""
    home = make_project(tmp_path / "me", {"shop/requirements.txt": "fastapi\n"})
    (home / ".git").rmdir()
    run = fastapi_perf("check", ".", "--output-format", "json", "--no-cache", "--exit-zero", cwd=home, env={"HOME": str(home)})
    assert run.returncode == 0, run.stderr
    reported = {((home / item["filename"]).resolve().relative_to(home.resolve()).as_posix(), item["code"]) for item in json.loads(run.stdout)}
    assert ("app/main.py", "FAP103") in reported and ("app/services.py", "FAP103") not in reported

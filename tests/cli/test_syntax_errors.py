"""``fastapi-perf check`` on syntax errors (FAP000) and on syntax newer than the interpreter, as a subprocess."""

from __future__ import annotations

import json
import re
import sys

import pytest

from .conftest import fastapi_perf

FASTAPI = "[project]\nname = 'app'\ndependencies = ['fastapi']\n"
BROKEN = """import time
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def root():
    total = count(
    return {}
"""
# Python 3.14 syntax (PEP 758, 695, 701, 750) around blocking calls.
NEWEST = '''import time
from fastapi import FastAPI

app = FastAPI()
type Payload = dict[str, object]


class Repository[T]:
    async def get(self, key: str) -> T:
        try:
            time.sleep(0.1)
        except KeyError, ValueError:
            time.sleep(0.2)
        return f"{key["id"]}" + t"{key}"
'''


def codes_at(run) -> list[tuple[int, str]]:
    return [(item["location"]["row"], item["code"]) for item in json.loads(run.stdout)]


def test_a_syntax_error_is_fap000_and_fails_the_run(project) -> None:
    root = project({"pyproject.toml": FASTAPI, "app.py": BROKEN})
    run = fastapi_perf("check", "--no-cache", cwd=root)
    assert run.returncode == 1
    assert re.search(r"^app\.py:9:18: FAP000 SyntaxError: '\(' was never closed$", run.stdout, re.M), run.stdout
    run = fastapi_perf("check", "--no-cache", "--output-format", "json", cwd=root)
    (item,) = json.loads(run.stdout)
    assert item["code"] == "FAP000" and item["url"].endswith("/FAP000.md")


@pytest.mark.parametrize(
    ("how", "files", "args"),
    [
        ("--ignore", {}, ("--ignore", "FAP000")),
        ("ignore", {"pyproject.toml": FASTAPI + "[tool.fastapi-perf]\nignore = ['FAP000']\n"}, ()),
        ("per-file-ignores", {"pyproject.toml": FASTAPI + "[tool.fastapi-perf.per-file-ignores]\n'app.py' = ['FAP000']\n"}, ()),
        ("noqa", {"app.py": BROKEN.replace("count(\n", "count(  # noqa: FAP000\n")}, ()),
        ("file-level noqa", {"app.py": "# fastapi-perf: noqa: FAP000\n" + BROKEN}, ()),
    ],
)
def test_a_syntax_error_is_silenced_like_any_finding(project, how: str, files: dict, args: tuple) -> None:
    root = project({"pyproject.toml": FASTAPI, "app.py": BROKEN, **files})
    run = fastapi_perf("check", "--no-cache", *args, cwd=root)
    assert run.returncode == 0, (how, run.stdout, run.stderr)
    assert "FAP000" not in run.stdout


def test_the_first_syntax_error_only_and_the_rest_still_checked(project) -> None:
    text = BROKEN + '\n\n@app.get("/b")\nasync def b():\n    time.sleep(1)\n    x = [\n    return x\n'
    root = project({"pyproject.toml": FASTAPI, "app.py": text})
    run = fastapi_perf("check", "--no-cache", "--output-format", "json", cwd=root)
    assert run.returncode == 1
    assert codes_at(run) == [(9, "FAP000"), (14, "FAP201"), (15, "FAP103")]  # not the second error, at 16


def newest(project, requires: str):
    root = project({"pyproject.toml": FASTAPI + f"requires-python = '{requires}'\n", "repository.py": NEWEST})
    return fastapi_perf("check", "--no-cache", "--output-format", "json", cwd=root)


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="the interpreter parses the file itself")
def test_newer_syntax_is_analysed_when_the_project_targets_it(project) -> None:
    run = newest(project, ">=3.14")
    assert codes_at(run) == [(11, "FAP103"), (13, "FAP103")], run.stdout
    assert run.returncode == 1


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the interpreter parses the file itself")
def test_newer_syntax_than_the_project_targets_is_fap000(project) -> None:
    run = newest(project, ">=3.10")
    found = json.loads(run.stdout)
    assert [(i["location"]["row"], i["code"]) for i in found] == [(5, "FAP000"), (11, "FAP103"), (13, "FAP103")]
    assert found[0]["message"] == (
        "SyntaxError: Cannot use the `type` statement on Python 3.10 (syntax was added in Python 3.12)"
    )
    # target-version wins over requires-python, as in Ruff.
    root = project({"pyproject.toml": FASTAPI + "requires-python = '>=3.10'\n[tool.fastapi-perf]\ntarget-version = 'py314'\n"})
    run = fastapi_perf("check", "--no-cache", "--output-format", "json", cwd=root)
    assert [code for _, code in codes_at(run)] == ["FAP103", "FAP103"]


def test_a_bad_target_version_is_a_configuration_error(project) -> None:
    root = project({"pyproject.toml": FASTAPI + "[tool.fastapi-perf]\ntarget-version = '3.12'\n", "app.py": BROKEN})
    run = fastapi_perf("check", "--no-cache", cwd=root)
    assert run.returncode == 2
    assert "`target-version` must be one of py37" in run.stderr


def test_fix_applies_beside_a_syntax_error(project) -> None:
    broken = BROKEN + '\n\n@app.get("/b")\nasync def b():\n    time.sleep(1)\n    return {}\n'
    root = project({"pyproject.toml": FASTAPI, "app.py": broken})
    run = fastapi_perf("check", "--no-cache", "--fix", cwd=root)
    assert run.returncode == 1  # the syntax error remains
    fixed = (root / "app.py").read_text()
    expected = broken.replace("from fastapi import FastAPI\n", "from fastapi import FastAPI\nimport asyncio\n").replace(
        "    time.sleep(1)", "    await asyncio.sleep(1)"
    )
    assert fixed == expected
    assert re.search(r"^app\.py:10:18: FAP000 ", run.stdout, re.M), run.stdout

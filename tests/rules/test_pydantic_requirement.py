"""FAP301 reads the project's Pydantic requirement: its advice (`TypeAdapter`) is Pydantic 2's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi_perf.rules.pydantic import requirements

from rules.test_workspaces import WORKSPACES, analyse_workspace

V1 = WORKSPACES / "pydantic_v1"


def codes(root: Path) -> set[str]:
    return {f.code for findings in analyse_workspace(root).values() for f in findings}


def test_a_pydantic_1_project_gets_no_advice_a_pydantic_2_one_does(tmp_path: Path) -> None:
    assert "FAP301" not in codes(V1)
    v2 = tmp_path / "v2"
    shutil.copytree(V1, v2)
    pyproject = v2 / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "^1.9"', 'version = "^2.5"'))
    assert "FAP301" in codes(v2)


@pytest.mark.parametrize(
    ("declared", "v1"),
    [
        ('dependencies = ["pydantic>=1.8,<2"]', True),
        ('dependencies = ["pydantic~=1.10.2"]', True),
        ('dependencies = ["pydantic>=2.5"]', False),
        ('dependencies = ["pydantic-settings<2", "fastapi"]', None),
        ('dependencies = ["pydantic[email]==1.10.13"]', True),
    ],
)
def test_the_requirement_is_read_as_pip_reads_it(tmp_path: Path, declared: str, v1: bool | None) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "x"\n{declared}\n')
    (tmp_path / "app.py").write_text("")
    assert requirements.pydantic_v1(str(tmp_path / "app.py")) is v1

"""The runtime package: the join is core code the language server can call."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "fastapi_perf" / "runtime"
PURE = ("attribution", "frames", "join", "recorder", "report", "table")


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lsp"):
            names.add("fastapi_perf.lsp")
    return names


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.stem)
def test_no_language_server_imports(path: Path) -> None:
    assert not _imported(path) & {"pygls", "lsprotocol", "fastapi_perf.lsp"}


@pytest.mark.parametrize("name", PURE)
def test_the_join_and_the_report_need_neither_pytest_nor_aiocop(name: str) -> None:
    assert not _imported(PACKAGE / f"{name}.py") & {"pytest", "aiocop", "_pytest"}

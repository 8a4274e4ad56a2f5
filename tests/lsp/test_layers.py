"""The server's modules call only down (issue 12): each imports only modules of a lower layer.

Lazy imports and ``TYPE_CHECKING`` imports count too. Handlers never import
one another; only ``server.py`` knows them all.
"""

from __future__ import annotations

import ast
from pathlib import Path

from fastapi_perf.lsp import server

LSP = Path(server.__file__).parent
LAYERS = [
    {"messages", "parent"},
    {"protocol", "memory", "settings", "documents"},
    {"session", "recovery"},
    {"convert", "runtime_evidence"},
    {"diagnostics", "fixes", "configuration", "semantic", "indexing"},
    {"scheduler"},
    {f"handlers.{p.stem}" for p in (LSP / "handlers").glob("*.py") if p.stem != "__init__"},
    {"server"},
]
RANK = {module: rank for rank, layer in enumerate(LAYERS) for module in layer}


def _lsp_imports(path: Path, module: str) -> set[str]:
    """The ``fastapi_perf.lsp`` modules a module imports, by their names inside ``lsp/``."""
    package = ["fastapi_perf", "lsp", *module.split(".")[:-1]]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            targets = [target, *(f"{target}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            name = target.removeprefix("fastapi_perf.lsp.")
            if target.startswith("fastapi_perf.lsp.") and name in RANK:
                found.add(name)
    return found


def test_every_lsp_module_has_a_layer() -> None:
    modules = {p.stem for p in LSP.glob("*.py") if p.stem != "__init__"}
    modules |= {f"handlers.{p.stem}" for p in (LSP / "handlers").glob("*.py") if p.stem != "__init__"}
    assert modules == set(RANK), modules ^ set(RANK)


def test_imports_only_go_down() -> None:
    wrong = []
    for module, rank in RANK.items():
        path = LSP / (module.replace(".", "/") + ".py")
        for target in _lsp_imports(path, module):
            if RANK[target] >= rank:
                wrong.append(f"{module} (layer {rank}) imports {target} (layer {RANK[target]})")
    assert not wrong, "\n".join(wrong)


def test_every_feature_is_a_module_level_handler() -> None:
    methods = [method for method, _, _ in server.FEATURES]
    assert len(methods) == len(set(methods)), "a method registered twice"
    for method, handler, _ in server.FEATURES:
        assert handler.__module__.startswith("fastapi_perf.lsp.handlers."), (method, handler.__module__)
        module = __import__(handler.__module__, fromlist=["_"])
        assert getattr(module, handler.__name__) is handler, f"{method}: not a module-level function"

"""Keep the registry, the docs, the fixtures and the layering in step."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi_perf.rules import ALL_RULES, BY_CODE
from helpers import findings_of

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "server" / "fastapi_perf"
REQUIRED_HEADINGS = ("## What it does", "## Why is this bad?", "## Example", "## References")


def test_codes_are_unique_and_well_formed() -> None:
    codes = [rule.code for rule in ALL_RULES]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"FAP[0-6]\d\d", code) for code in codes)
    assert codes == sorted(codes)
    names = [rule.name for rule in ALL_RULES]
    assert len(names) == len(set(names))


def test_every_rule_module_is_registered() -> None:
    modules = {p.stem for p in (PACKAGE / "rules").rglob("fap*.py")}
    registered = {sys.modules[rule.__module__].__name__.rpartition(".")[2] for rule in ALL_RULES}
    assert modules == registered


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_rule_module_is_named_after_code_and_name(rule) -> None:
    module = rule.__module__.rpartition(".")[2]
    assert module == f"{rule.code.lower()}_{rule.name.replace('-', '_')}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_docstring_has_the_sections(rule) -> None:
    doc = rule.documentation()
    for heading in REQUIRED_HEADINGS:
        assert heading in doc, f"{rule.code} lacks {heading}"
    assert "Use instead:" in doc
    if rule.fix_availability.value != "none" or "## Fix safety" in doc:
        assert "## Fix safety" in doc, f"{rule.code} has a fix but no Fix safety section"


def _examples(doc: str) -> tuple[str, str]:
    blocks = re.findall(r"```python\n(.*?)```", doc, re.S)
    example_at = doc.index("## Example")
    use_at = doc.index("Use instead:")
    example = next(b for b in blocks if doc.index(b) > example_at)
    use_instead = next(b for b in blocks if doc.index(b) > use_at)
    return example, use_instead


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_docstring_example_triggers_and_use_instead_does_not(rule) -> None:
    example, use_instead = _examples(rule.documentation())
    assert rule.code in {f.code for f in findings_of(example)}, f"{rule.code}: its Example does not trigger it"
    assert rule.code not in {f.code for f in findings_of(use_instead)}, f"{rule.code}: its Use instead triggers it"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_every_rule_has_a_fixture_with_markers(rule) -> None:
    fixture = ROOT / "tests" / "rules" / "fixtures" / f"{rule.code}.py"
    assert fixture.exists(), f"no fixture for {rule.code}"
    assert f"# error: {rule.code}" in fixture.read_text(encoding="utf-8")


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_fixable_rules_have_a_fixed_file(rule) -> None:
    if rule.fix_availability.value == "none":
        return
    assert (ROOT / "tests" / "rules" / "fixtures" / f"{rule.code}.fixed.py").exists()


def test_docs_pages_are_up_to_date() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("folder", ["analysis", "rules"])
def test_core_never_imports_the_lsp_layer(folder: str) -> None:
    for path in (PACKAGE / folder).rglob("*.py"):
        for name in _imports(path):
            root = name.partition(".")[0]
            assert root not in {"pygls", "lsprotocol", "jedi_language_server"}, f"{path.relative_to(ROOT)} imports {name}"
        text = path.read_text(encoding="utf-8")
        assert "from ..lsp" not in text and "from ...lsp" not in text, f"{path.relative_to(ROOT)} imports the lsp layer"


def test_severity_defaults_are_known() -> None:
    assert BY_CODE["FAP108"].default_severity.value == "error"


def test_no_pyflakes_errors() -> None:
    """Unused imports, undefined names and the like never land (ruff's F rules)."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "F,E9", "--output-format", "concise", "server", "tests", "scripts"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# -- layers -------------------------------------------------------------------------------

ANALYSIS = "fastapi_perf.analysis"
LAYERS = (("findings", "options", "catalog"), ("source",), ("names",), ("frameworks",), ("facts",), ("workspace",), ("engine",))
"""The sub-packages of ``analysis/``, bottom to top; the first are the leaves every layer may use."""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _all_imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top, in a function or under ``TYPE_CHECKING``, relative ones resolved.

    ``from pkg import name`` imports ``pkg``, and ``pkg.name`` too when that is
    a module.
    """
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            found.add(source)  # importing ``pkg.name`` runs ``pkg/__init__.py`` first
            found.update(f"{source}.{a.name}" for a in node.names if _is_module(f"{source}.{a.name}"))
    return found


def _is_module(name: str) -> bool:
    if not name.startswith("fastapi_perf"):
        return False
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _layer(module: str) -> int:
    """The layer of a module of ``analysis/``; the façade (``analysis`` itself) is above them all."""
    if module == ANALYSIS:
        return len(LAYERS)
    top = module[len(ANALYSIS) + 1 :].partition(".")[0]
    return next(i for i, names in enumerate(LAYERS) if top in names)


def _analysis_graph() -> dict[str, set[str]]:
    graph = {}
    for path in sorted((PACKAGE / "analysis").rglob("*.py")):
        module = _module_name(path)
        graph[module] = {m for m in _all_imports(path) if m.startswith("fastapi_perf") and m != module}
    return graph


def test_analysis_imports_only_go_down_the_layers() -> None:
    """A module imports its own layer, the layers below and the leaves; never the façade nor anything outside ``analysis``."""
    wrong = []
    for module, imported in _analysis_graph().items():
        for target in imported:
            if not (target == ANALYSIS or target.startswith(ANALYSIS + ".")):
                wrong.append(f"{module} imports {target}, outside analysis/")
            elif target == ANALYSIS and module != ANALYSIS:
                wrong.append(f"{module} imports the façade (import the module that defines the name)")
            elif _layer(target) > _layer(module) or (_layer(module) == 0 and target != module):
                wrong.append(f"{module} imports {target}, a layer up")
    assert not wrong, "\n".join(sorted(wrong))


def test_analysis_has_no_import_cycle() -> None:
    graph = _analysis_graph()
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    cycles = []

    def walk(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                cycles.append(" -> ".join(path[path.index(target) :] + [target]))
            elif target in graph and target not in state:
                walk(target, [*path, target])
        state[module] = 2

    for module in graph:
        if module not in state:
            walk(module, [module])
    assert not cycles, "\n".join(cycles)


def test_rules_import_the_analysis_only_through_its_facade() -> None:
    wrong = []
    for path in sorted((PACKAGE / "rules").rglob("*.py")):
        for target in _all_imports(path):
            if target.startswith(ANALYSIS + ".") and target not in ("fastapi_perf.analysis.catalog",):
                wrong.append(f"{path.relative_to(ROOT)} imports {target}")
    assert not wrong, "import these from fastapi_perf.analysis (add them to its __all__):\n" + "\n".join(sorted(wrong))


def test_the_facade_exports_what_it_lists() -> None:
    import fastapi_perf.analysis as facade

    missing = [name for name in facade.__all__ if not hasattr(facade, name)]
    assert not missing and len(facade.__all__) == len(set(facade.__all__))

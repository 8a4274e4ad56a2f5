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

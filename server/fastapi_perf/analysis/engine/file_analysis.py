"""Analyse one whole file: the CLI's unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..facts.module_context import ModuleContext
from ..findings import Finding
from ..names.symbols import ModuleSymbols
from ..options import AnalysisOptions
from ..source.chunks import parse_module
from .assemble import assemble
from .dispatch import Engine, RuleError

if TYPE_CHECKING:
    from ..names.inference import Inference
    from ..names.lookup import WorkspaceLookup


@dataclass(slots=True)
class FileResult:
    findings: list[Finding]
    rule_errors: list[RuleError] = field(default_factory=list)


def analyse_text(
    text: str,
    engine: Engine,
    options: AnalysisOptions,
    module_name: str = "__main__",
    is_package: bool = False,
    path: str | None = None,
    index: WorkspaceLookup | None = None,
    inference: Inference | None = None,
) -> FileResult:
    if text.startswith("\ufeff"):
        text = text[1:]
    chunks = parse_module(text)
    symbols = ModuleSymbols.merge([c.facts for c in chunks], module_name, is_package)
    if inference is not None:
        inference.new_budget()
    module = ModuleContext(chunks, symbols, options, path, index=index, inference=inference, text=text)
    errors: list[RuleError] = []
    per_chunk = [engine.check_chunk(module, chunk, errors.append) for chunk in chunks]
    findings = assemble(
        chunks, per_chunk, symbols, detect_newline(text), text, path, engine.syntax_code, options.target_version
    )
    # The findings hold no syntax: free the trees now, by reference counting. Left as
    # cycles, they would keep the garbage collector busy for much of a whole-tree run.
    module.release(trees=True)
    return FileResult(findings, errors)


def detect_newline(text: str) -> str:
    index = text.find("\n")
    if index > 0 and text[index - 1] == "\r":
        return "\r\n"
    if index < 0 and "\r" in text:
        return "\r"
    return "\n"

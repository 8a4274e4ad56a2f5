"""The labels files of the accuracy set: one CSV per application, checked row by row.

A row names a site where a rule must (``positive``) or must not (``negative``)
report: ``source,path,line,function,rule,label,reason``. A mistyped row would
silently count as a miss, so every field is validated and a bad file is refused
with its row number.
"""

from __future__ import annotations

import ast
import csv
import re
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ["source", "path", "line", "function", "rule", "label", "reason"]
PYPI_SOURCE = re.compile(r"pypi:(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!_-]+)")
GITHUB_SOURCE = re.compile(r"github:(?P<owner>[A-Za-z0-9_.-]+)/(?P<name>[A-Za-z0-9_.-]+)@(?P<commit>[0-9a-f]{40})")
RULE_CODE = re.compile(r"FAP\d{3}")
VERDICTS = ("positive", "negative")
MODULE_LEVEL = "<module>"


class LabelError(Exception):
    """A labels file that cannot be scored; the message names the file and row."""


@dataclass(frozen=True)
class Label:
    app: str
    source: str
    path: str
    line: int
    function: str
    rule: str
    label: str
    reason: str
    row: int

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.path, self.line, self.rule)

    def as_dict(self) -> dict:
        return {
            "app": self.app, "source": self.source, "path": self.path, "line": self.line,
            "function": self.function, "rule": self.rule, "label": self.label, "reason": self.reason,
        }


def read_labels(path: Path) -> list[Label]:
    """Parse and validate one labels file; every problem is a ``LabelError`` naming the row."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != COLUMNS:
            raise LabelError(f"{path}: the header must be exactly {','.join(COLUMNS)}, found {header}")
        labels: list[Label] = []
        seen: dict[tuple[str, int, str], int] = {}
        for row_number, row in enumerate(reader, start=2):
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(COLUMNS):
                raise LabelError(f"{path}:{row_number}: {len(row)} fields, expected {len(COLUMNS)} (quote a reason with commas)")
            label = _label_from_row(path, row_number, dict(zip(COLUMNS, row)))
            if label.key in seen:
                raise LabelError(f"{path}:{row_number}: {label.path}:{label.line} {label.rule} is already labelled on row {seen[label.key]}")
            seen[label.key] = row_number
            labels.append(label)
    sources = {label.source for label in labels}
    if len(sources) > 1:
        raise LabelError(f"{path}: one application per file, found sources {sorted(sources)}")
    return labels


def _label_from_row(path: Path, row_number: int, cells: dict[str, str]) -> Label:
    where = f"{path}:{row_number}"
    source = cells["source"].strip()
    if not (PYPI_SOURCE.fullmatch(source) or GITHUB_SOURCE.fullmatch(source)):
        raise LabelError(f"{where}: source {source!r} is neither pypi:NAME==VERSION nor github:OWNER/NAME@COMMIT (40 hex digits)")
    rel = cells["path"].strip()
    parts = rel.split("/")
    if not rel or rel.startswith("/") or "\\" in rel or ".." in parts or "" in parts:
        raise LabelError(f"{where}: path {rel!r} must be a POSIX path relative to the application root")
    line_text = cells["line"].strip()
    if not line_text.isdigit() or int(line_text) < 1:
        raise LabelError(f"{where}: line {line_text!r} must be a positive integer")
    rule = cells["rule"].strip()
    if not RULE_CODE.fullmatch(rule):
        raise LabelError(f"{where}: rule {rule!r} is not a FAPxxx code")
    verdict = cells["label"].strip()
    if verdict not in VERDICTS:
        raise LabelError(f"{where}: label {verdict!r} must be positive or negative")
    function = cells["function"].strip()
    reason = cells["reason"].strip()
    if not function or not reason:
        raise LabelError(f"{where}: function and reason must not be empty")
    return Label(path.stem, source, rel, int(line_text), function, rule, verdict, reason, row_number)


def load_label_sets(folder: Path) -> dict[str, list[Label]]:
    """Every ``<app>.csv`` of the folder, by application name; empty files are left out."""
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise LabelError(f"{folder}: no labels files (*.csv)")
    sets = {path.stem: read_labels(path) for path in files}
    return {app: labels for app, labels in sets.items() if labels}


def enclosing_function(tree: ast.AST, line: int) -> str:
    """The innermost function whose lines (decorators included) hold ``line``."""
    best_start, best = 0, MODULE_LEVEL
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if start <= line <= (node.end_lineno or node.lineno) and start >= best_start:
                best_start, best = start, node.name
    return best


def check_label_sites(labels: list[Label], root: Path) -> list[str]:
    """Labels whose file, line or function no longer fit the code: a stale or mistyped label."""
    warnings = []
    parsed: dict[str, tuple[ast.AST, int] | None] = {}
    for label in labels:
        if label.path not in parsed:
            try:
                source = (root / label.path).read_text(encoding="utf-8")
                parsed[label.path] = (ast.parse(source), len(source.splitlines()))
            except (OSError, SyntaxError, UnicodeDecodeError, ValueError) as error:
                parsed[label.path] = None
                warnings.append(f"{label.app}:{label.row}: cannot check the functions of the labels in {label.path}: {error}")
        site = parsed[label.path]
        if site is None:
            continue
        tree, line_count = site
        if label.line > line_count:
            warnings.append(f"{label.app}:{label.row}: {label.path} has no line {label.line}")
            continue
        actual = enclosing_function(tree, label.line)
        if actual != label.function:
            warnings.append(f"{label.app}:{label.row}: {label.path}:{label.line} is in {actual}, the label says {label.function}")
    return warnings

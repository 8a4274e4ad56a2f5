"""Precision and recall of fastapi-perf on labelled real applications.

A benchmark, not a CI test: the applications are downloaded by
``scripts/fetch-corpus.sh`` and never committed. Each ``labels/<app>.csv``
names sites of one application (a pinned wheel or a repository commit) where
a rule must (``positive``) or must not (``negative``) report. The CLI runs
once per application, from its root, as a user runs it; a finding matches a
label when path, line and rule agree.

    python tests/accuracy/score.py CORPUS_DIR [--repos DIR] [--app NAME] [--json | --markdown]

Wheels are looked up under ``CORPUS_DIR/src/<name>/``, repositories under
``CORPUS_DIR/repos/<owner+name>/`` or ``--repos DIR/<owner+name>/``.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = ["source", "path", "line", "function", "rule", "label", "reason"]
PYPI_SOURCE = re.compile(r"pypi:(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!_-]+)")
GITHUB_SOURCE = re.compile(r"github:(?P<owner>[A-Za-z0-9_.-]+)/(?P<name>[A-Za-z0-9_.-]+)@(?P<commit>[0-9a-f]{40})")
RULE_CODE = re.compile(r"FAP\d{3}")
LABELS = ("positive", "negative")
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


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    message: str

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.path, self.line, self.rule)


@dataclass
class Counts:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fn += other.fn
        self.fp += other.fp
        self.tn += other.tn

    @property
    def positives(self) -> int:
        return self.tp + self.fn

    @property
    def negatives(self) -> int:
        return self.fp + self.tn

    @property
    def precision(self) -> float | None:
        flagged = self.tp + self.fp
        return self.tp / flagged if flagged else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.positives if self.positives else None

    def as_dict(self) -> dict:
        return {
            "labels": self.positives + self.negatives,
            "positives": self.positives,
            "negatives": self.negatives,
            **asdict(self),
            "precision": self.precision,
            "recall": self.recall,
        }


@dataclass
class AppResult:
    app: str
    source: str
    root: str
    counts: Counts = field(default_factory=Counts)
    missed: list[Label] = field(default_factory=list)
    spurious: list[tuple[Label, Finding]] = field(default_factory=list)
    unjudged: list[Finding] = field(default_factory=list)
    outside_labelled_files: int = 0


# --- labels -------------------------------------------------------------------------------------


def read_labels(path: Path) -> list[Label]:
    """Parse and validate one labels file; every problem is a ``LabelError`` naming the row."""
    app = path.stem
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
            label = _label_from_row(path, app, row_number, dict(zip(COLUMNS, row)))
            if label.key in seen:
                raise LabelError(f"{path}:{row_number}: {label.path}:{label.line} {label.rule} is already labelled on row {seen[label.key]}")
            seen[label.key] = row_number
            labels.append(label)
    sources = {label.source for label in labels}
    if len(sources) > 1:
        raise LabelError(f"{path}: one application per file, found sources {sorted(sources)}")
    return labels


def _label_from_row(path: Path, app: str, row_number: int, cells: dict[str, str]) -> Label:
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
    if verdict not in LABELS:
        raise LabelError(f"{where}: label {verdict!r} must be positive or negative")
    function = cells["function"].strip()
    reason = cells["reason"].strip()
    if not function or not reason:
        raise LabelError(f"{where}: function and reason must not be empty")
    return Label(app, source, rel, int(line_text), function, rule, verdict, reason, row_number)


def load_label_sets(folder: Path) -> dict[str, list[Label]]:
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise LabelError(f"{folder}: no labels files (*.csv)")
    sets = {path.stem: read_labels(path) for path in files}
    return {app: labels for app, labels in sets.items() if labels}


# --- where each application lives ---------------------------------------------------------------


def _dist_info_name(name: str, version: str) -> str:
    return f"{re.sub(r'[-_.]+', '_', name).lower()}-{version}.dist-info"


def _known_commits(folder: Path) -> dict[str, str]:
    """``COMMITS.txt`` beside the checkouts: ``owner/name commit [note]`` per line."""
    listing = folder / "COMMITS.txt"
    commits: dict[str, str] = {}
    if listing.is_file():
        for line in listing.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2:
                commits[parts[0]] = parts[1]
    return commits


def locate(source: str, corpus: Path, repos: Path | None) -> tuple[Path | None, str]:
    """The application's root for a label source, or None with the reason it cannot be used."""
    wheel = PYPI_SOURCE.fullmatch(source)
    if wheel:
        root = corpus / "src" / wheel["name"]
        if not root.is_dir():
            return None, f"{root} does not exist (run scripts/fetch-corpus.sh {corpus})"
        dist_info = root / _dist_info_name(wheel["name"], wheel["version"])
        if not dist_info.is_dir():
            found = sorted(p.name for p in root.glob("*.dist-info"))
            return None, f"{root} is not {wheel['name']}=={wheel['version']} (no {dist_info.name}; found {found or 'no .dist-info'})"
        return root, ""
    repo = GITHUB_SOURCE.fullmatch(source)
    assert repo is not None
    slug = f"{repo['owner']}/{repo['name']}"
    candidates = [folder for folder in (repos, corpus / "repos") if folder is not None]
    for folder in candidates:
        root = folder / slug.replace("/", "+")
        if not root.is_dir():
            continue
        pinned = _known_commits(folder).get(slug)
        if pinned is not None and pinned != repo["commit"]:
            return None, f"{root} is at {pinned} ({folder / 'COMMITS.txt'}), the labels are for {repo['commit']}"
        return root, ""
    tried = ", ".join(str(folder / slug.replace("/", "+")) for folder in candidates)
    return None, f"no checkout of {slug} (tried {tried})"


# --- running the CLI ----------------------------------------------------------------------------


def default_cli() -> list[str]:
    """The ``fastapi-perf`` installed beside this interpreter, else the one on PATH."""
    beside = Path(sys.executable).parent / "fastapi-perf"
    if beside.is_file():
        return [str(beside)]
    on_path = shutil.which("fastapi-perf")
    if on_path:
        return [on_path]
    return [sys.executable, "-m", "fastapi_perf"]


def run_check(cli: list[str], root: Path, rules: list[str], timeout: float) -> list[Finding]:
    command = [*cli, "check", ".", "--output-format", "json", "--no-cache", "--select", ",".join(rules)]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"`{' '.join(command)}` in {root} exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    findings = []
    for item in json.loads(result.stdout or "[]"):
        filename = Path(item["filename"])
        absolute = filename if filename.is_absolute() else root / filename
        rel = Path(os.path.relpath(absolute, root)).as_posix()
        findings.append(Finding(rel, int(item["location"]["row"]), item["code"], item["message"]))
    return findings


def rule_categories(cli: list[str]) -> dict[str, str]:
    result = subprocess.run([*cli, "rules", "--output-format", "json"], capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"`{' '.join(cli)} rules` exited {result.returncode}: {result.stderr.strip()}")
    return {rule["code"]: rule["category"] for rule in json.loads(result.stdout)}


# --- judging ------------------------------------------------------------------------------------


def judge(app: str, labels: list[Label], findings: list[Finding], root: Path) -> AppResult:
    result = AppResult(app, labels[0].source, str(root))
    reported: dict[tuple[str, int, str], Finding] = {}
    for finding in findings:
        reported.setdefault(finding.key, finding)
    labelled = {label.key for label in labels}
    labelled_files = {label.path for label in labels}
    for label in labels:
        finding = reported.get(label.key)
        if label.label == "positive":
            if finding:
                result.counts.tp += 1
            else:
                result.counts.fn += 1
                result.missed.append(label)
        elif finding:
            result.counts.fp += 1
            result.spurious.append((label, finding))
        else:
            result.counts.tn += 1
    for key, finding in sorted(reported.items()):
        if key in labelled:
            continue
        if finding.path in labelled_files:
            result.unjudged.append(finding)
        else:
            result.outside_labelled_files += 1
    return result


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
                warnings.append(f"{label.app}:{label.row}: cannot read {label.path}: {error}")
        if parsed[label.path] is None:
            continue
        tree, line_count = parsed[label.path]
        if label.line > line_count:
            warnings.append(f"{label.app}:{label.row}: {label.path} has no line {label.line}")
            continue
        actual = enclosing_function(tree, label.line)
        if actual != label.function:
            warnings.append(f"{label.app}:{label.row}: {label.path}:{label.line} is in {actual}, the label says {label.function}")
    return warnings


# --- aggregation and reports --------------------------------------------------------------------


@dataclass
class Report:
    cli: list[str]
    rules: list[str]
    results: list[AppResult]
    skipped: list[tuple[str, str]]
    warnings: list[str]
    categories: dict[str, str]
    labels: dict[str, list[Label]]

    def by_rule(self) -> dict[str, Counts]:
        table: dict[str, Counts] = defaultdict(Counts)
        for result in self.results:
            for label in self.labels[result.app]:
                table[label.rule].add(_count_of(label, result))
        return dict(sorted(table.items()))

    def by_category(self) -> dict[str, Counts]:
        table: dict[str, Counts] = defaultdict(Counts)
        for rule, counts in self.by_rule().items():
            table[self.categories.get(rule, "unknown")].add(counts)
        order = list(dict.fromkeys(self.categories.values()))
        return {name: table[name] for name in sorted(table, key=lambda n: order.index(n) if n in order else len(order))}

    def overall(self) -> Counts:
        total = Counts()
        for result in self.results:
            total.add(result.counts)
        return total

    def as_dict(self) -> dict:
        return {
            "cli": self.cli,
            "rules": self.rules,
            "overall": self.overall().as_dict(),
            "by_rule": {rule: counts.as_dict() for rule, counts in self.by_rule().items()},
            "by_category": {name: counts.as_dict() for name, counts in self.by_category().items()},
            "applications": [
                {
                    "app": r.app,
                    "source": r.source,
                    "root": r.root,
                    **r.counts.as_dict(),
                    "unjudged": len(r.unjudged),
                    "outside_labelled_files": r.outside_labelled_files,
                }
                for r in self.results
            ],
            "missed": [_label_dict(label) for r in self.results for label in r.missed],
            "spurious": [{**_label_dict(label), "message": f.message} for r in self.results for label, f in r.spurious],
            "unjudged": [{"app": r.app, **asdict(f)} for r in self.results for f in r.unjudged],
            "skipped": [{"app": app, "reason": reason} for app, reason in self.skipped],
            "warnings": self.warnings,
        }


def _count_of(label: Label, result: AppResult) -> Counts:
    missed = {m.key for m in result.missed}
    spurious = {s.key for s, _ in result.spurious}
    if label.label == "positive":
        return Counts(fn=1) if label.key in missed else Counts(tp=1)
    return Counts(fp=1) if label.key in spurious else Counts(tn=1)


def _label_dict(label: Label) -> dict:
    return {k: v for k, v in asdict(label).items() if k != "row"}


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _row(name: str, counts: Counts) -> list[str]:
    return [
        name, str(counts.positives + counts.negatives), str(counts.positives), str(counts.negatives),
        str(counts.tp), str(counts.fn), str(counts.fp), str(counts.tn), _ratio(counts.precision), _ratio(counts.recall),
    ]


COUNT_HEADER = ["labels", "pos", "neg", "TP", "FN", "FP", "TN", "precision", "recall"]


def _text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = []
    for cells in [header, *rows]:
        lines.append("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(cells, widths))))
    return "\n".join(lines)


def render_text(report: Report) -> str:
    out = [f"command: {' '.join(report.cli)} check . --output-format json --no-cache --select {','.join(report.rules)}", ""]
    app_rows = [_row(r.app, r.counts) + [str(len(r.unjudged)), str(r.outside_labelled_files)] for r in report.results]
    app_rows.append(_row("overall", report.overall()) + [str(sum(len(r.unjudged) for r in report.results)),
                                                         str(sum(r.outside_labelled_files for r in report.results))])
    out += ["Per application", _text_table(["application", *COUNT_HEADER, "unjudged", "other files"], app_rows), ""]
    out += ["Per rule", _text_table(["rule", *COUNT_HEADER], [_row(k, c) for k, c in report.by_rule().items()]), ""]
    out += ["Per category", _text_table(["category", *COUNT_HEADER], [_row(k, c) for k, c in report.by_category().items()]), ""]
    missed = [label for r in report.results for label in r.missed]
    out.append(f"Missed positives ({len(missed)})")
    out += [f"  {m.app}  {m.path}:{m.line}  {m.rule}  {m.function}: {m.reason}" for m in missed]
    spurious = [(label, f) for r in report.results for label, f in r.spurious]
    out += ["", f"Spurious findings, flagged negatives ({len(spurious)})"]
    out += [f"  {s.app}  {s.path}:{s.line}  {s.rule}  {s.function}: {s.reason}\n      reported: {f.message}" for s, f in spurious]
    unjudged = [(r.app, f) for r in report.results for f in r.unjudged]
    out += ["", f"Unjudged findings in labelled files ({len(unjudged)})"]
    out += [f"  {app}  {f.path}:{f.line}  {f.rule}  {f.message}" for app, f in unjudged]
    for app, reason in report.skipped:
        out.append(f"skipped {app}: {reason}")
    for warning in report.warnings:
        out.append(f"warning: {warning}")
    return "\n".join(out) + "\n"


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(report: Report) -> str:
    """The figures of ``docs/accuracy.md``: tables, then every missed and spurious site."""
    overall = report.overall()
    out = [
        (
            f"Overall: precision **{_ratio(overall.precision)}**, recall **{_ratio(overall.recall)}** on "
            f"{overall.positives + overall.negatives} labelled sites ({overall.positives} positive, "
            f"{overall.negatives} negative) in {len(report.results)} applications."
        ),
        "",
        "### Per application",
        "",
        _md_table(
            ["application", "source", *COUNT_HEADER, "unjudged"],
            [[r.app, f"`{r.source}`", *_row(r.app, r.counts)[1:], str(len(r.unjudged))] for r in report.results],
        ),
        "",
        "### Per rule",
        "",
        _md_table(["rule", "category", *COUNT_HEADER],
                  [[k, report.categories.get(k, "unknown"), *_row(k, c)[1:]] for k, c in report.by_rule().items()]),
        "",
        "### Per category",
        "",
        _md_table(["category", *COUNT_HEADER], [_row(k, c) for k, c in report.by_category().items()]),
        "",
    ]
    missed = [label for r in report.results for label in r.missed]
    out += [f"### Missed positives ({len(missed)})", ""]
    if missed:
        out.append(_md_table(["application", "site", "rule", "function", "why it is a positive"],
                             [[m.app, f"`{m.path}:{m.line}`", m.rule, f"`{m.function}`", m.reason] for m in missed]))
        out.append("")
    spurious = [label for r in report.results for label, _ in r.spurious]
    out += [f"### Spurious findings ({len(spurious)})", ""]
    if spurious:
        out.append(_md_table(["application", "site", "rule", "function", "why it is a negative"],
                             [[s.app, f"`{s.path}:{s.line}`", s.rule, f"`{s.function}`", s.reason] for s in spurious]))
        out.append("")
    unjudged = sum(len(r.unjudged) for r in report.results)
    out.append(f"Unjudged findings (reported in a labelled file, with no label): {unjudged}.")
    if report.skipped:
        out += ["", "Not scored (not found): " + ", ".join(f"{app} ({reason})" for app, reason in report.skipped) + "."]
    return "\n".join(out) + "\n"


# --- entry point --------------------------------------------------------------------------------


def score(corpus: Path, repos: Path | None, labels_dir: Path, apps: list[str], cli: list[str], timeout: float) -> Report:
    label_sets = load_label_sets(labels_dir)
    unknown = [app for app in apps if app not in label_sets]
    if unknown:
        raise LabelError(f"no labels for {', '.join(unknown)} in {labels_dir} (have: {', '.join(sorted(label_sets))})")
    rules = sorted({label.rule for labels in label_sets.values() for label in labels})
    categories = rule_categories(cli)
    unknown_rules = [rule for rule in rules if rule not in categories]
    if unknown_rules:
        raise LabelError(f"labels name rules the CLI does not know: {', '.join(unknown_rules)}")
    results, skipped, warnings = [], [], []
    for app in apps or sorted(label_sets):
        labels = label_sets[app]
        root, why = locate(labels[0].source, corpus, repos)
        if root is None:
            skipped.append((app, why))
            print(f"score: skipping {app}: {why}", file=sys.stderr)
            continue
        print(f"score: checking {app} in {root}", file=sys.stderr)
        warnings += check_label_sites(labels, root)
        results.append(judge(app, labels, run_check(cli, root, rules, timeout), root))
    return Report(cli, rules, results, skipped, warnings, categories, label_sets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder laid out by scripts/fetch-corpus.sh (src/<name>/, repos/<owner+name>/)")
    parser.add_argument("--repos", type=Path, help="another folder of repository checkouts named <owner+name>")
    parser.add_argument("--labels", type=Path, default=HERE / "labels", help="folder of <app>.csv labels files")
    parser.add_argument("--app", action="append", default=[], help="score only this application (repeatable)")
    parser.add_argument("--cli", help="the fastapi-perf command to run (default: the one beside this interpreter)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per application (default 1800)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the figures as JSON")
    output.add_argument("--markdown", action="store_true", help="print the figures as the tables of docs/accuracy.md")
    args = parser.parse_args(argv)
    cli = shlex.split(args.cli) if args.cli else default_cli()
    if not args.corpus.is_dir():
        print(f"score: {args.corpus} is not a folder", file=sys.stderr)
        return 2
    if args.repos is not None and not args.repos.is_dir():
        print(f"score: {args.repos} is not a folder", file=sys.stderr)
        return 2
    try:
        report = score(args.corpus.resolve(), args.repos.resolve() if args.repos else None, args.labels, args.app, cli, args.timeout)
    except LabelError as error:
        print(f"score: {error}", file=sys.stderr)
        return 2
    except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
        print(f"score: {error}", file=sys.stderr)
        return 3
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    elif args.markdown:
        print(render_markdown(report), end="")
    else:
        print(render_text(report), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())

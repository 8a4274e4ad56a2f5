"""Precision and recall of fastapi-perf on labelled real applications.

A benchmark, not a CI test: the applications are downloaded by
``scripts/fetch-corpus.sh`` and never committed. Each ``labels/<app>.csv``
names sites of one application (a pinned wheel or a repository commit) where
a rule must (``positive``) or must not (``negative``) report. The CLI runs
once per application, from its root, as a user runs it, with every rule that
has a label selected; a finding matches a label when path, line and rule agree.

    python tests/accuracy/score.py CORPUS_DIR [--repos DIR] [--app NAME] [--json | --markdown]
    python tests/accuracy/score.py --from-json RUN.json [--markdown]

Wheels are looked up under ``CORPUS_DIR/src/<name>/``, repositories under
``CORPUS_DIR/repos/<owner+name>/`` or ``--repos DIR/<owner+name>/``.
"""

from __future__ import annotations

import argparse
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

if __package__:
    from .labels import GITHUB_SOURCE, PYPI_SOURCE, Label, LabelError, check_label_sites, load_label_sets
    from .reports import render_markdown, render_text
else:  # run as a script: its folder holds the sibling modules
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from labels import GITHUB_SOURCE, PYPI_SOURCE, Label, LabelError, check_label_sites, load_label_sets
    from reports import render_markdown, render_text

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str | None  # FAP000 for a syntax error (None in versions before FAP000)
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
    syntax_errors: list[Finding] = field(default_factory=list)


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


SYNTAX_ERROR = "FAP000"


def run_check(cli: list[str], root: Path, rules: list[str], timeout: float) -> list[Finding]:
    # FAP000 too: syntax errors are counted apart (a file that does not parse loses findings).
    command = [*cli, "check", ".", "--output-format", "json", "--no-cache", "--select", ",".join([*rules, SYNTAX_ERROR])]
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
        if finding.rule in (None, SYNTAX_ERROR):  # a syntax error: the file was analysed statement by statement
            result.syntax_errors.append(finding)
        else:
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


# --- aggregation --------------------------------------------------------------------


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
            "by_rule": {
                rule: {"category": self.categories.get(rule, "unknown"), **counts.as_dict()}
                for rule, counts in self.by_rule().items()
            },
            "by_category": {name: counts.as_dict() for name, counts in self.by_category().items()},
            "applications": [
                {
                    "app": r.app,
                    "source": r.source,
                    "root": r.root,
                    **r.counts.as_dict(),
                    "unjudged": len(r.unjudged),
                    "outside_labelled_files": r.outside_labelled_files,
                    "syntax_errors": len(r.syntax_errors),
                }
                for r in self.results
            ],
            "missed": [label.as_dict() for r in self.results for label in r.missed],
            "spurious": [{**label.as_dict(), "message": f.message} for r in self.results for label, f in r.spurious],
            "unjudged": [{"app": r.app, **asdict(f)} for r in self.results for f in r.unjudged],
            "syntax_errors": [{"app": r.app, **asdict(f)} for r in self.results for f in r.syntax_errors],
            "skipped": [{"app": app, "reason": reason} for app, reason in self.skipped],
            "warnings": self.warnings,
        }


def _count_of(label: Label, result: AppResult) -> Counts:
    missed = {m.key for m in result.missed}
    spurious = {s.key for s, _ in result.spurious}
    if label.label == "positive":
        return Counts(fn=1) if label.key in missed else Counts(tp=1)
    return Counts(fp=1) if label.key in spurious else Counts(tn=1)


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
    parser.add_argument("corpus", type=Path, nargs="?", help="folder laid out by scripts/fetch-corpus.sh (src/<name>/, repos/<owner+name>/)")
    parser.add_argument("--repos", type=Path, help="another folder of repository checkouts named <owner+name>")
    parser.add_argument("--labels", type=Path, default=HERE / "labels", help="folder of <app>.csv labels files")
    parser.add_argument("--app", action="append", default=[], help="score only this application (repeatable)")
    parser.add_argument("--cli", help="the fastapi-perf command to run (default: the one beside this interpreter)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per application (default 1800)")
    parser.add_argument("--from-json", type=Path, metavar="RUN", help="render a run saved with --json instead of running the CLI")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the figures as JSON")
    output.add_argument("--markdown", action="store_true", help="print the figures as the tables of docs/accuracy.md")
    args = parser.parse_args(argv)
    if args.from_json is not None:
        try:
            run = json.loads(args.from_json.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            print(f"score: cannot read {args.from_json}: {error}", file=sys.stderr)
            return 2
    else:
        if args.corpus is None or not args.corpus.is_dir():
            print(f"score: CORPUS_DIR {args.corpus or '(missing)'} is not a folder", file=sys.stderr)
            return 2
        if args.repos is not None and not args.repos.is_dir():
            print(f"score: {args.repos} is not a folder", file=sys.stderr)
            return 2
        cli = shlex.split(args.cli) if args.cli else default_cli()
        repos = args.repos.resolve() if args.repos else None
        try:
            run = score(args.corpus.resolve(), repos, args.labels, args.app, cli, args.timeout).as_dict()
        except LabelError as error:
            print(f"score: {error}", file=sys.stderr)
            return 2
        except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
            print(f"score: {error}", file=sys.stderr)
            return 3
    if args.json:
        print(json.dumps(run, indent=2, ensure_ascii=False))
    elif args.markdown:
        print(render_markdown(run), end="")
    else:
        print(render_text(run), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())

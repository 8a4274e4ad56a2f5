"""The terminal face: ``fastapi-perf check``, ``rule``, ``rules`` and ``lsp``.

Exit status follows Ruff: 0 when nothing is left to report, 1 when findings
remain, 2 for a usage or configuration error.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .checker.discovery import FileFilter, discover
from .checker.fixing import allowed, fix_text
from .checker.runner import FileOutcome, Runner, analyse_source
from .config import ConfigError, Settings, load_settings, validate_selector
from .report import Reported, display_path

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github")


def _selectors(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fastapi-perf",
        description="Find and fix performance problems in FastAPI code.",
    )
    parser.add_argument("--version", action="version", version=f"fastapi-perf {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="check files and folders (default: the current folder)")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    check.add_argument("--output-format", choices=FORMATS, default="text")
    check.add_argument("--select", type=_selectors, metavar="CODES", help="rule codes or prefixes to enable, comma-separated (replaces the configured selection)")
    check.add_argument("--extend-select", type=_selectors, metavar="CODES", default=[], help="rule codes or prefixes to enable in addition")
    check.add_argument("--ignore", type=_selectors, metavar="CODES", default=[], help="rule codes or prefixes to disable")
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply (and count) unsafe fixes")
    check.add_argument("--diff", action="store_true", help="print the changes --fix would make instead of writing them")
    check.add_argument("--statistics", action="store_true", help="count findings per rule")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    check.add_argument("--no-follow-imports", action="store_true", help="analyse each file on its own, without following calls and types into other files")
    check.add_argument("--infer", action="store_true", help="also ask jedi about receivers the import table cannot type (slower; up to 1 s per file)")
    check.add_argument("--config", type=Path, metavar="PYPROJECT", help="read settings from this pyproject.toml")
    check.add_argument("--quiet", "-q", action="store_true", help="print findings only, no summary or progress")

    rule = commands.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("code", metavar="CODE", help="a rule code (FAP103) or name (blocking-sleep)")
    rule.add_argument("--output-format", choices=("text", "json"), default="text")

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--output-format", choices=("text", "json"), default="text")

    lsp = commands.add_parser("lsp", help="run the language server")
    lsp.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    lsp.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead (for debugging)")
    lsp.add_argument(
        "--untrusted",
        action="store_true",
        help="the workspace is not trusted: never start its interpreter (or any other); see docs/robustness.md",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "rule":
            return show_rule(args)
        if args.command == "rules":
            return list_rules(args)
        if args.command == "lsp":
            from .lsp.server import run

            return run(tcp=args.tcp, trusted=not args.untrusted)
    except ConfigError as error:
        print(f"fastapi-perf: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    parser.print_help()
    return EXIT_ERROR


# -- check -----------------------------------------------------------------------

def run_check(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    paths = args.paths or [cwd]
    missing = [p for p in paths if not p.exists()]
    if missing:
        for path in missing:
            print(f"fastapi-perf: error: {path}: no such file or directory", file=sys.stderr)
        return EXIT_ERROR
    if args.config is not None and not args.config.is_file():
        raise ConfigError(f"{args.config}: no such configuration file")
    settings = apply_cli_overrides(load_settings(_common_start(paths), args.config), args)
    unsafe = settings.unsafe_fixes
    file_filter = FileFilter(settings.root or cwd, settings.exclude + settings.extend_exclude)
    files = list(discover(paths, file_filter))
    project_files: list[Path] = []
    if settings.follow_imports and settings.root is not None and settings.root.is_dir():
        if [p.absolute() for p in paths] == [settings.root.absolute()]:
            project_files = files  # the whole project is being checked
        else:
            project_files = list(discover([settings.root], file_filter))  # calls are followed into the whole project
    machine = args.output_format != "text"
    progress = Progress(enabled=not machine and not args.quiet and sys.stderr.isatty())
    runner = Runner(settings, use_cache=not args.no_cache)
    outcomes = runner.run(files, progress.update, project_files)
    progress.finish()

    ignores = PerFileIgnores(settings)
    fixed_count = 0
    would_fix = 0
    diffs: list[str] = []
    if args.fix or args.diff:
        for outcome in outcomes:
            if outcome.problem or not any(allowed(f.fix, unsafe) for f in ignores.filter(outcome)):
                continue
            original = outcome.path.read_text(encoding="utf-8")
            analyse = lambda text, path=outcome.path: ignores.filter(  # noqa: E731
                analyse_source(path, text, runner.engine, settings, runner.index)
            )
            new_text, applied, remaining = fix_text(original, analyse, unsafe)
            if new_text == original:
                continue
            if args.diff:
                would_fix += applied
                name = display_path(outcome.path, cwd)
                diffs.append("".join(difflib.unified_diff(
                    original.splitlines(keepends=True), new_text.splitlines(keepends=True), f"a/{name}", f"b/{name}"
                )))
            else:
                outcome.path.write_text(new_text, encoding="utf-8")
                fixed_count += applied
                outcome.findings = remaining

    for outcome in outcomes:
        if outcome.problem:
            print(f"fastapi-perf: warning: {display_path(outcome.path, cwd)}: {outcome.problem}", file=sys.stderr)
        for error in outcome.rule_errors:
            print(f"fastapi-perf: error: {display_path(outcome.path, cwd)}: {error}", file=sys.stderr)

    if args.diff:
        sys.stdout.write("".join(diffs))
        if not args.quiet:
            print(f"Would fix {would_fix} finding{'s' if would_fix != 1 else ''}.", file=sys.stderr)
        return EXIT_FINDINGS if would_fix and not args.exit_zero else EXIT_CLEAN

    reported = [
        Reported(o.path, f, settings.severity_of(f.code), allowed(f.fix, unsafe))
        for o in outcomes
        for f in ignores.filter(o)
    ]
    hidden_unsafe = 0 if unsafe else sum(1 for r in reported if r.finding.fix and allowed(r.finding.fix, True) and not r.fixable)
    write_report(args, reported, settings, cwd, hidden_unsafe, fixed_count)
    if reported and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def write_report(args, reported: list[Reported], settings: Settings, cwd: Path, hidden_unsafe: int, fixed: int) -> None:
    from .report import github, json_output, sarif, text

    if args.statistics and args.output_format == "text":
        sys.stdout.write(text.render_statistics(reported))
        return
    if args.output_format == "json":
        sys.stdout.write(json_output.render(reported))
    elif args.output_format == "sarif":
        sys.stdout.write(sarif.render(reported, settings.root or cwd))
    elif args.output_format == "github":
        sys.stdout.write(github.render(reported, cwd))
    else:
        output = text.render(reported, cwd, hidden_unsafe, color=text.use_color(sys.stdout))
        if args.quiet:
            output = "".join(line + "\n" for line in output.splitlines()[: len(reported)])
        if fixed and not args.quiet:
            output += f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.\n"
        sys.stdout.write(output)


def apply_cli_overrides(settings: Settings, args: argparse.Namespace) -> Settings:
    overrides: dict = {}
    if args.select is not None:
        overrides["select"] = tuple(validate_selector(s, "--select") for s in args.select)
    if args.extend_select:
        overrides["extend_select"] = settings.extend_select + tuple(validate_selector(s, "--extend-select") for s in args.extend_select)
    if args.ignore:
        overrides["ignore"] = settings.ignore + tuple(validate_selector(s, "--ignore") for s in args.ignore)
    if args.unsafe_fixes:
        overrides["unsafe_fixes"] = True
    if args.no_follow_imports:
        overrides["follow_imports"] = False
    if args.infer:
        overrides["inference"] = True
    return settings.with_overrides(**overrides) if overrides else settings


def _common_start(paths: Sequence[Path]) -> Path:
    resolved = [p.resolve() for p in paths]
    if len(resolved) == 1:
        return resolved[0]
    common = Path(*_common_parts([p.parts for p in resolved]))
    return common


def _common_parts(parts: list[tuple[str, ...]]) -> tuple[str, ...]:
    shortest = min(parts, key=len)
    for index, part in enumerate(shortest):
        if any(p[index] != part for p in parts):
            return shortest[:index] or ("/",)
    return shortest


class PerFileIgnores:
    """``per-file-ignores``: glob (gitignore syntax) to the codes it silences."""

    def __init__(self, settings: Settings) -> None:
        from .checker.discovery import _spec

        self.root = settings.root
        self.rules = [(_spec([pattern]), codes) for pattern, codes in settings.per_file_ignores]

    def filter(self, outcome: FileOutcome) -> list:
        if not self.rules:
            return outcome.findings
        try:
            relative = outcome.path.relative_to(self.root).as_posix() if self.root else outcome.path.name
        except ValueError:
            relative = outcome.path.name
        codes = [c for spec, cs in self.rules if spec.match_file(relative) for c in cs]
        if not codes:
            return outcome.findings
        return [f for f in outcome.findings if not any(c == "ALL" or f.code.startswith(c) for c in codes)]


class Progress:
    """A one-line progress count on a terminal, only for runs longer than a second."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.monotonic()
        self.shown = False

    def update(self, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.start < 1.0:
            return
        self.shown = True
        sys.stderr.write(f"\rChecked {done}/{total} files")
        sys.stderr.flush()

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()


# -- rule / rules ----------------------------------------------------------------

def _find_rule(code: str):
    from .rules import BY_CODE, BY_NAME

    return BY_CODE.get(code.upper()) or BY_NAME.get(code.lower())


def show_rule(args: argparse.Namespace) -> int:
    rule = _find_rule(args.code)
    if rule is None:
        print(f"fastapi-perf: error: unknown rule `{args.code}`; `fastapi-perf rules` lists them", file=sys.stderr)
        return EXIT_ERROR
    if args.output_format == "json":
        print(json.dumps(rule_record(rule) | {"explanation": rule.documentation()}, indent=2))
    else:
        sys.stdout.write(f"# {rule.name} ({rule.code})\n\n{rule_status(rule)}\n\n{rule.documentation()}\n")
    return EXIT_CLEAN


def rule_status(rule) -> str:
    fix = {"always": "Fix is always available.", "sometimes": "Fix is sometimes available.", "none": "No fix."}[rule.fix_availability.value]
    default = "On by default." if rule.default_enabled else "Off by default: enable it with `select` or `extend-select`."
    return f"Category: {rule.category.title}. {default} {fix}"


def rule_record(rule) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "category": rule.category.value,
        "summary": rule.summary,
        "default_enabled": rule.default_enabled,
        "default_severity": rule.default_severity.value,
        "fix": rule.fix_availability.value,
        "url": rule.url(),
    }


def list_rules(args: argparse.Namespace) -> int:
    from .rules import ALL_RULES

    if args.output_format == "json":
        print(json.dumps([rule_record(rule) for rule in ALL_RULES], indent=2))
        return EXIT_CLEAN
    rows = [("CODE", "NAME", "CATEGORY", "DEFAULT", "FIX")]
    for rule in ALL_RULES:
        rows.append((rule.code, rule.name, rule.category.value, "on" if rule.default_enabled else "off", rule.fix_availability.value))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The terminal face: ``fastapi-perf check``, ``rule``, ``rules`` and ``lsp``.

Exit status follows Ruff: 0 when nothing is left to report, 1 when findings
remain, 2 for a usage or configuration error, and 2 when ``--fix`` could
not write a file (the other files are still fixed).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .checker.fixing import allowed
from .checker.project_check import ProjectCheck, settings_start
from .config import ConfigError, Settings, SettingsResolver, validate_selector
from .report import Reported, display_path
from .report.diffs import unified_diff
from .report.rule_page import rule_record, rule_status

if TYPE_CHECKING:
    from .checker.runner import FileOutcome

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github", "html")


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
    check.add_argument("--output-format", choices=FORMATS, default="text", help="html: one self-contained page for a browser or a pull request")
    check.add_argument("--output-file", "-o", type=Path, metavar="PATH", help="write the report (or the --diff) to PATH instead of stdout")
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
    check.add_argument("--show-settings", action="store_true", help="print the root, settings file, module name, target version and FastAPI gate of each PATH, and exit")
    check.add_argument("--config", type=Path, metavar="FILE", help="read the settings of every file from this pyproject.toml or fastapi-perf.toml (else each file's nearest)")
    check.add_argument("--quiet", "-q", action="store_true", help="print findings only, no summary or progress")
    check.add_argument("--runtime", type=Path, metavar="PATH", help="join this `pytest --fastapi-perf` report (default: fastapi-perf-runtime.json at the project root, when there is one)")

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
    lsp.add_argument(
        "--full-collection-after",
        type=float,
        default=None,
        metavar="SECONDS",
        help="idle time before a full garbage collection (default 20; benchmarks shorten it)",
    )

    mcp = commands.add_parser("mcp", help="run the MCP server for coding agents, over stdio (extra: fastapi-perf[mcp])")
    mcp.add_argument("--root", type=Path, metavar="DIR", help="the workspace root tools may read and fix (default: the current folder)")
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

            return run(tcp=args.tcp, trusted=not args.untrusted, full_collection_s=args.full_collection_after)
        if args.command == "mcp":
            return serve_mcp(args)
    except (ConfigError, OutputError) as error:
        print(f"fastapi-perf: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    parser.print_help()
    return EXIT_ERROR


# -- check -----------------------------------------------------------------------

class _LogLine(logging.Formatter):
    """Log records as the command's other messages look: ``fastapi-perf: warning: ...``."""

    def format(self, record: logging.LogRecord) -> str:
        return f"fastapi-perf: {record.levelname.lower()}: {record.getMessage()}"


def _log_to_stderr() -> None:
    logger = logging.getLogger("fastapi_perf")
    if not any(isinstance(h.formatter, _LogLine) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_LogLine())
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)


def run_check(args: argparse.Namespace) -> int:
    _log_to_stderr()
    cwd = Path.cwd()
    paths = args.paths or [cwd]
    missing = [p for p in paths if not p.exists()]
    if missing:
        for path in missing:
            print(f"fastapi-perf: error: {path}: no such file or directory", file=sys.stderr)
        return EXIT_ERROR
    if args.config is not None and not args.config.is_file():
        raise ConfigError(f"{args.config}: no such configuration file")
    start = settings_start(paths)
    resolver = SettingsResolver(args.config, adjust=lambda loaded: apply_cli_overrides(loaded, args), start=start)
    settings = resolver.for_path(start)
    if args.show_settings:
        from .checker.show_settings import describe

        emit(args, "\n".join(describe(path, resolver.for_path(path)) for path in paths))
        return EXIT_CLEAN
    check = ProjectCheck(paths, resolver, use_cache=not args.no_cache)
    for item in check.skipped:
        print(f"fastapi-perf: warning: {display_path(item.path.absolute(), cwd)}: {item.reason}", file=sys.stderr)
    machine = args.output_format != "text"
    progress = Progress(enabled=not machine and not args.quiet and sys.stderr.isatty())
    outcomes = check.run(progress.update)
    progress.finish()

    fixed_count = 0  # findings settled by the fixes (written, or shown with --diff)
    diffs: list[str] = []
    not_written: list[str] = []
    if args.fix or args.diff:
        for outcome in outcomes:
            name = display_path(outcome.path, cwd)
            try:
                fixed = check.fix(outcome, check.unsafe_fixes(outcome.path))
            except (OSError, UnicodeDecodeError) as error:
                not_written.append(f"{name}: cannot read it again to fix it: {error}")
                continue
            if fixed is None:
                continue
            if args.diff:
                fixed_count += fixed.applied
                diffs.append(unified_diff(fixed.original, fixed.text, name))
                continue
            refused = check.write(fixed)
            if refused is not None:
                reason, is_error = refused
                if is_error:
                    not_written.append(f"{name}: {reason}")
                else:
                    print(f"fastapi-perf: warning: {name}: {reason}", file=sys.stderr)
                continue
            fixed_count += fixed.applied
            outcome.findings = fixed.remaining

    join_runtime(args, settings, outcomes)
    for outcome in outcomes:
        if outcome.problem:
            print(f"fastapi-perf: warning: {display_path(outcome.path, cwd)}: {outcome.problem}", file=sys.stderr)
        for error in outcome.rule_errors:
            print(f"fastapi-perf: error: {display_path(outcome.path, cwd)}: {error}", file=sys.stderr)
    for line in not_written:
        print(f"fastapi-perf: error: {line}", file=sys.stderr)

    if args.diff:
        emit(args, "".join(diffs))
        if not args.quiet:
            print(f"Would fix {fixed_count} finding{'s' if fixed_count != 1 else ''}.", file=sys.stderr)
        return EXIT_FINDINGS if fixed_count and not args.exit_zero else EXIT_CLEAN

    reported = check.reported(outcomes)  # unsafe fixes count where the file's own settings allow them
    hidden_unsafe = sum(1 for r in reported if r.finding.fix and allowed(r.finding.fix, True) and not r.fixable)
    checked = sum(1 for o in outcomes if not o.problem)
    write_report(args, reported, settings, cwd, hidden_unsafe, fixed_count, checked)
    if not_written:
        return EXIT_ERROR  # fixes were asked for and some could not be written: say so, whatever --exit-zero says
    if reported and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def join_runtime(args: argparse.Namespace, settings: Settings, outcomes: list[FileOutcome]) -> None:
    """Add what the test suite saw block the loop (docs/runtime.md) to the findings."""
    from .runtime.checking import DEFAULT_NAME, ReportError, join_outcomes

    path = args.runtime
    if path is None:
        path = settings.root / DEFAULT_NAME if settings.root is not None else None
        if path is None or not path.is_file():
            return
    try:
        join_outcomes(outcomes, path, settings.root, settings.enabled_codes)
    except ReportError as error:
        if args.runtime is not None:
            raise ConfigError(f"{path}: {error}") from None
        print(f"fastapi-perf: warning: {path}: ignored: {error}", file=sys.stderr)


def write_report(
    args, reported: list[Reported], settings: Settings, cwd: Path, hidden_unsafe: int, fixed: int, checked: int
) -> None:
    from .report import github, json_output, sarif, text
    from .report.repository import report_root

    if args.output_format == "text" and not checked and not reported:
        if not args.quiet:  # "All checks passed!" would claim checks that never ran
            emit(args, "No files were checked (see the warnings above).\n")
        return

    if args.statistics and args.output_format == "text":
        emit(args, text.render_statistics(reported))
    elif args.output_format == "json":
        emit(args, json_output.render(reported))
    elif args.output_format == "sarif":
        emit(args, sarif.render(reported, report_root(settings.root, cwd)))
    elif args.output_format == "github":
        emit(args, github.render(reported, report_root(settings.root, cwd)))
    elif args.output_format == "html":
        from .report import html

        generated = datetime.now(timezone.utc)
        emit(args, html.render(reported, cwd, hidden_unsafe=hidden_unsafe, fixed=fixed, generated=generated))
    else:
        output = text.render(reported, cwd, hidden_unsafe, color=args.output_file is None and text.use_color(sys.stdout))
        if args.quiet:
            output = "".join(line + "\n" for line in output.splitlines()[: len(reported)])
        if fixed and not args.quiet:
            output += f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.\n"
        emit(args, output)


def emit(args, output: str) -> None:
    """Write what ``check`` reports to stdout, or to ``--output-file``."""
    if args.output_file is None:
        sys.stdout.write(output)
        return
    try:
        with open(args.output_file, "w", encoding="utf-8") as stream:
            stream.write(output)
    except OSError as error:
        raise OutputError(f"cannot write {args.output_file}: {error.strerror or error}") from error


class OutputError(Exception):
    """``--output-file`` cannot be written: a usage error, reported without a traceback."""


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


# -- mcp -------------------------------------------------------------------------

def serve_mcp(args: argparse.Namespace) -> int:
    root = args.root or Path.cwd()
    if not root.is_dir():
        raise ConfigError(f"{root}: the MCP server's root must be an existing folder")
    try:
        from .agents.mcp_server import run
    except ImportError as error:
        if (error.name or "").split(".")[0] not in ("mcp", "pydantic"):
            raise
        print(
            "fastapi-perf: error: `fastapi-perf mcp` needs the MCP SDK: pip install 'fastapi-perf[mcp]'"
            f" (import failed: {error})",
            file=sys.stderr,
        )
        return EXIT_ERROR
    return run(root)


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

"""What the MCP tools do, without the protocol: check, explain and fix inside one workspace root.

An agent names paths relative to the root the server was started in; a
path that does not exist, or that resolves (through ``..`` or a symlink)
outside the root, is refused with a message the agent can act on. Nothing
is written unless the caller asks for it, and never outside the root.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from ..checker.fixing import allowed
from ..checker.project_check import ProjectCheck, settings_start
from ..config import ConfigError, SettingsResolver, validate_selector
from ..report import Reported, display_path
from ..report.diffs import fix_diff, unified_diff
from ..report.json_output import to_dicts
from ..report.rule_page import rule_page
from ..rules import ALL_RULES, BY_CODE, BY_NAME

_OUTSIDE = "a symlink to a file outside the workspace root: not read"


class WorkspaceError(Exception):
    """A request the workspace refuses: its message is shown to the agent as is."""


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        # One analysis at a time: the runner keeps per-process state, and two
        # fixes of one file must not interleave.
        self._lock = threading.Lock()

    # -- the tools ------------------------------------------------------------

    def check(self, paths: Sequence[str] | None = None, select: Sequence[str] | None = None) -> dict:
        targets = self.resolve_all(paths)
        with self._lock:
            check = self._check(targets, select)
            outcomes = check.run()
            reported = check.reported(outcomes)  # unsafe fixes count where each file's settings allow them
        findings = to_dicts(reported, self.root)
        texts: dict[Path, str | None] = {}
        for item, record in zip(reported, findings):
            if item.finding.fix is not None and record["fix"] is not None:
                if item.path not in texts:
                    texts[item.path] = _read(item.path)
                text = texts[item.path]
                if text is not None:
                    record["fix"]["diff"] = fix_diff(text, item.finding.fix, display_path(item.path, self.root))
        hidden = sum(1 for r in reported if allowed(r.finding.fix, True) and not r.fixable)
        return {
            "root": str(self.root),
            "files_checked": len(check.files),
            "findings": findings,
            "summary": {
                "findings": len(reported),
                "fixable": sum(1 for r in reported if r.fixable),
                "fixable_with_unsafe": hidden,
            },
            "skipped": [
                {"filename": display_path(o.path, self.root), "reason": o.problem} for o in outcomes if o.problem
            ] + [{"filename": display_path(p, self.root), "reason": _OUTSIDE} for p in check.refused],
            "rule_errors": [
                {"filename": display_path(o.path, self.root), "error": error} for o in outcomes for error in o.rule_errors
            ],
        }

    def explain(self, code: str) -> str:
        rule = BY_CODE.get(code.strip().upper()) or BY_NAME.get(code.strip().lower())
        if rule is None:
            known = ", ".join(r.code for r in ALL_RULES)
            raise WorkspaceError(f"unknown rule `{code}`; the rules are {known}")
        return rule_page(rule)

    def fix(self, path: str, codes: Sequence[str] | None = None, unsafe: bool = False, apply: bool = False) -> dict:
        target = self.resolve(path)
        wanted = self._selectors(codes, "codes")
        keep = (lambda f: bool(f.code) and any(c == "ALL" or f.code.startswith(c) for c in wanted)) if wanted else None
        with self._lock:
            check = self._check([target], None)
            fixed = [f for f in (check.fix(outcome, unsafe, keep) for outcome in check.run()) if f is not None]
            if apply:
                for file in fixed:
                    refused = check.write(file)
                    if refused is not None:
                        raise WorkspaceError(f"{display_path(file.path, self.root)}: {refused[0]}")
        remaining = [
            Reported(f.path, finding, check.settings_of(f.path).severity_of(finding.code), allowed(finding.fix, unsafe))
            for f in fixed
            for finding in f.remaining
        ]
        result = {
            "diff": "".join(unified_diff(f.original, f.text, display_path(f.path, self.root)) for f in fixed),
            "fixes": sum(f.applied for f in fixed),
            "files": [display_path(f.path, self.root) for f in fixed],
            "applied": apply and bool(fixed),
            "remaining": to_dicts(remaining, self.root),
        }
        if fixed and not apply:
            result["note"] = "nothing was written; call fix again with apply: true to write these changes"
        return result

    # -- paths ----------------------------------------------------------------

    def resolve(self, path: str) -> Path:
        if not isinstance(path, str) or not path.strip():
            raise WorkspaceError("a path is required (relative to the workspace root, e.g. `app/main.py` or `.`)")
        candidate = Path(path.strip()).expanduser()
        full = (candidate if candidate.is_absolute() else self.root / candidate).resolve()
        if not self._inside(full):
            raise WorkspaceError(
                f"{path}: outside the workspace root {self.root}; fastapi-perf reads and fixes files under it only"
            )
        if not full.exists():
            raise WorkspaceError(f"{path}: no such file or directory under the workspace root {self.root}")
        return full

    def resolve_all(self, paths: Sequence[str] | None) -> list[Path]:
        if not paths:
            return [self.root]
        return [self.resolve(p) for p in paths]

    def _inside(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.root)

    def _check(self, targets: Sequence[Path], select: Sequence[str] | None) -> ProjectCheck:
        """A check of ``targets``, each file with its nearest settings (as the CLI), ``select`` over them all."""
        selected = self._selectors(select, "select")
        adjust = (lambda settings: settings.with_overrides(select=selected)) if selected else None
        try:
            resolver = SettingsResolver(adjust=adjust, start=settings_start(targets))
            return ProjectCheck(targets, resolver, jobs=1, readable=self._inside)
        except ConfigError as error:
            raise WorkspaceError(f"configuration: {error}") from error

    @staticmethod
    def _selectors(values: Sequence[str] | None, key: str) -> tuple[str, ...]:
        try:
            return tuple(validate_selector(v, key) for v in values or ())
        except ConfigError as error:
            raise WorkspaceError(str(error)) from error

def _read(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:  # positions are counted without a BOM
            return stream.read()
    except (OSError, UnicodeDecodeError):
        return None

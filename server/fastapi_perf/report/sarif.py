"""``--output-format sarif``: SARIF 2.1.0 for GitHub code scanning and other viewers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..analysis.findings import Severity
from ..rules import ALL_RULES
from . import Reported, runtime_dict

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.HINT: "note"}


def _rule_descriptor(rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary.replace("`", "")},
        "fullDescription": {"text": rule.summary.replace("`", "")},
        "help": {"text": rule.documentation(), "markdown": rule.documentation()},
        "helpUri": rule.url(),
        "defaultConfiguration": {"level": _LEVEL[rule.default_severity], "enabled": rule.default_enabled},
        "properties": {"tags": [rule.category.value], "precision": "high"},
    }


def _uri(path: Path, root: Path) -> tuple[str, str | None]:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix(), "%SRCROOT%"
    except ValueError:
        return path.resolve().as_uri(), None


def render(reported: Sequence[Reported], root: Path) -> str:
    rules = list(ALL_RULES)
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = []
    for item in reported:
        f = item.finding
        uri, base = _uri(item.path, root)
        artifact = {"uri": uri}
        if base:
            artifact["uriBaseId"] = base
        result = {
            "ruleId": f.code,
            "level": _LEVEL[item.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": {
                            "startLine": f.range.start.line + 1,
                            "startColumn": f.range.start.column + 1,
                            "endLine": f.range.end.line + 1,
                            "endColumn": f.range.end.column + 1,
                        },
                    }
                }
            ],
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        if f.runtime is not None:
            result["properties"] = {"runtime": runtime_dict(f.runtime)}
        if f.related:
            result["relatedLocations"] = [
                {
                    "id": n,
                    "message": {"text": r.message},
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(Path(r.path), root)[0]} if r.path else artifact,
                        "region": {
                            "startLine": r.range.start.line + 1,
                            "startColumn": r.range.start.column + 1,
                            "endLine": r.range.end.line + 1,
                            "endColumn": r.range.end.column + 1,
                        },
                    },
                }
                for n, r in enumerate(f.related)
            ]
        results.append(result)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fastapi-perf",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://github.com/fastapi-perf/fastapi-perf",
                        "rules": [_rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"

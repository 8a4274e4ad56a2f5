"""A rule's page as text and as a record: what ``fastapi-perf rule`` prints, docs/rules/ holds and the MCP server serves."""

from __future__ import annotations

from ..rules import Rule


def rule_status(rule: type[Rule]) -> str:
    fix = {"always": "Fix is always available.", "sometimes": "Fix is sometimes available.", "none": "No fix."}[rule.fix_availability.value]
    default = "On by default." if rule.default_enabled else "Off by default: enable it with `select` or `extend-select`."
    return f"Category: {rule.category.title}. {default} {fix}"


def rule_page(rule: type[Rule], measured: str = "") -> str:
    """The Markdown of ``docs/rules/<code>.md`` without its generated-file header.

    ``measured`` is the page's "Measured" section (docs/rules/evidence/, which
    only the docs have); it goes right after the Use instead example it measures.
    """
    doc = rule.documentation()
    if measured:
        after = doc.find("\n## ", doc.index("Use instead:"))
        doc = f"{doc}\n\n{measured}" if after == -1 else f"{doc[:after]}\n\n{measured}{doc[after:]}"
    return f"# {rule.name} ({rule.code})\n\n{rule_status(rule)} Default severity: {rule.default_severity.value}.\n\n{doc}\n"


def rule_record(rule: type[Rule]) -> dict:
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

"""Text and Markdown renderings of a scorer run.

They read the run's JSON form (``score.py --json``), so a saved run can be
rendered again (``score.py --from-json RUN.json --markdown``) without running
the CLI over the corpus a second time.
"""

from __future__ import annotations

from collections import Counter

COUNT_HEADER = ["labels", "pos", "neg", "TP", "FN", "FP", "TN", "precision", "recall"]


def ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _counts(counts: dict) -> list[str]:
    keys = ("labels", "positives", "negatives", "tp", "fn", "fp", "tn")
    return [str(counts[key]) for key in keys] + [ratio(counts["precision"]), ratio(counts["recall"])]


def _text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    return "\n".join(
        "  ".join(cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in enumerate(zip(cells, widths)))
        for cells in [header, *rows]
    )


def render_text(run: dict) -> str:
    out = [f"command: {' '.join(run['cli'])} check . --output-format json --no-cache --select {','.join(run['rules'])}", ""]
    apps = run["applications"]
    app_rows = [[a["app"], *_counts(a), str(a["unjudged"]), str(a["outside_labelled_files"])] for a in apps]
    totals = [str(sum(a["unjudged"] for a in apps)), str(sum(a["outside_labelled_files"] for a in apps))]
    app_rows.append(["overall", *_counts(run["overall"]), *totals])
    out += ["Per application", _text_table(["application", *COUNT_HEADER, "unjudged", "other files"], app_rows), ""]
    out += ["Per rule", _text_table(["rule", *COUNT_HEADER], [[k, *_counts(c)] for k, c in run["by_rule"].items()]), ""]
    categories = [[k, *_counts(c)] for k, c in run["by_category"].items()]
    out += ["Per category", _text_table(["category", *COUNT_HEADER], categories), ""]
    out.append(f"Missed positives ({len(run['missed'])})")
    out += [f"  {m['app']}  {m['path']}:{m['line']}  {m['rule']}  {m['function']}: {m['reason']}" for m in run["missed"]]
    out += ["", f"Spurious findings, flagged negatives ({len(run['spurious'])})"]
    out += [
        f"  {s['app']}  {s['path']}:{s['line']}  {s['rule']}  {s['function']}: {s['reason']}\n      reported: {s['message']}"
        for s in run["spurious"]
    ]
    out += ["", f"Unjudged findings in labelled files ({len(run['unjudged'])})"]
    out += [f"  {u['app']}  {u['path']}:{u['line']}  {u['rule']}  {u['message']}" for u in run["unjudged"]]
    errors = run.get("syntax_errors", [])
    out += ["", f"Syntax errors, files analysed statement by statement ({len(errors)})"]
    out += [f"  {e['app']}  {e['path']}:{e['line']}  {e['message']}" for e in errors]
    out += [f"skipped {s['app']}: {s['reason']}" for s in run["skipped"]]
    out += [f"warning: {warning}" for warning in run["warnings"]]
    return "\n".join(out) + "\n"


def _is_figure(cell: str) -> bool:
    return cell.replace(".", "", 1).isdigit() or cell == "–"


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    """Columns of figures are right-aligned, the others left-aligned."""
    numeric = [bool(rows) and all(_is_figure(row[i]) for row in rows) for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _site_table(sites: list[dict], why: str) -> str:
    rows = [[s["app"], f"`{s['path']}:{s['line']}`", s["rule"], f"`{s['function']}`", s["reason"]] for s in sites]
    return _md_table(["application", "site", "rule", "function", why], rows)


def render_markdown(run: dict) -> str:
    """The figures of ``docs/accuracy.md``: tables, then every missed and spurious site."""
    overall = run["overall"]
    out = [
        (
            f"Overall: precision **{ratio(overall['precision'])}**, recall **{ratio(overall['recall'])}** on "
            f"{overall['labels']} labelled sites ({overall['positives']} positive, {overall['negatives']} negative) "
            f"in {len(run['applications'])} applications."
        ),
        "",
        "### Per application",
        "",
        _md_table(
            ["application", "source", *COUNT_HEADER, "unjudged"],
            [[a["app"], f"`{a['source']}`", *_counts(a), str(a["unjudged"])] for a in run["applications"]],
        ),
        "",
        "### Per rule",
        "",
        _md_table(["rule", "category", *COUNT_HEADER], [[k, c["category"], *_counts(c)] for k, c in run["by_rule"].items()]),
        "",
        "### Per category",
        "",
        _md_table(["category", *COUNT_HEADER], [[k, *_counts(c)] for k, c in run["by_category"].items()]),
        "",
        f"### Missed positives ({len(run['missed'])})",
        "",
    ]
    if run["missed"]:
        out += [_site_table(run["missed"], "why it is a positive"), ""]
    out += [f"### Spurious findings ({len(run['spurious'])})", ""]
    if run["spurious"]:
        out += [_site_table(run["spurious"], "why it is a negative"), ""]
    out.append(f"Unjudged findings (reported in a labelled file, with no label): {len(run['unjudged'])}.")
    errors = run.get("syntax_errors", [])
    if errors:
        per_app = Counter(e["app"] for e in errors)
        apps = ", ".join(f"{app} {count}" for app, count in sorted(per_app.items()))
        out += ["", f"Syntax errors under the interpreter that runs the tool, each file analysed statement by statement: {apps}."]
    if run["skipped"]:
        out += ["", "Not scored (not found): " + ", ".join(f"{s['app']} ({s['reason']})" for s in run["skipped"]) + "."]
    return "\n".join(out) + "\n"

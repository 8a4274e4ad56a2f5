#!/usr/bin/env python3
"""What each parser costs on one statement: the numbers behind docs/architecture.md ("Parsing").

    python tests/benchmarks/bench_parsing.py [--repeat 7]

For a route (a function of 30 lines), a 1,000-line and a 4,000-line class,
it times, in this process: ``ast.parse`` of the valid statement (the fast
path); the slow path of the same statement with syntax newer than this
Python (the rewrite, then ``ast``); the slow path with a syntax error in one
method, or in the class body itself (parso's recovery, then ``ast``); and
one full parso parse of the statement, which facts taken from parso's own
tree would need on every edit. Minimum and median of ``--repeat`` runs, in
milliseconds, and the facts extracted (the same walk for all). It asserts
nothing.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "server"))

from fastapi_perf.analysis.source.chunks import slow_parse  # noqa: E402
from fastapi_perf.analysis.source.extract import extract  # noqa: E402
from fastapi_perf.analysis.source.recovery import grammar  # noqa: E402

ROUTE = '''@router.get("/orders/{order_id}")
async def read_order(order_id: int, db: DbDep, q: str | None = None):
    row = db.get(Order, order_id)
    if row is None:
        raise HTTPException(status_code=404)
    lines = []
    for line in row.lines:
        lines.append({"sku": line.sku, "quantity": line.quantity, "price": line.price})
    total = sum(item["price"] * item["quantity"] for item in lines)
    response = requests.get(f"https://rates.internal/{row.currency}", timeout=5)
    rate = response.json()["rate"]
    time.sleep(0.01)
    return {
        "id": row.id,
        "lines": lines,
        "total": total * rate,
        "currency": row.currency,
        "note": q or "",
    }
'''


def method(i: int) -> str:
    return (
        f"    async def handler_{i}(self, item_id: int, db: DbDep):\n"
        f"        row = db.get(Item, item_id)\n"
        f"        if row is None:\n"
        f"            raise HTTPException(status_code=404)\n"
        f"        values = [value * {i} for value in range(10) if value % 3]\n"
        f"        time.sleep(0.01)\n"
        f"        return {{\"id\": row.id, \"values\": values}}\n\n"
    )


def big_class(lines: int) -> str:
    return "class Service:\n    name = 'service'\n\n" + "".join(method(i) for i in range(lines // 8))


def timed(work, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def error_of(text: str) -> SyntaxError:
    try:
        ast.parse(text)
    except SyntaxError as error:
        return error
    raise AssertionError("expected a syntax error")


def newer(text: str) -> str:
    """The same statement with Python 3.12-3.14 syntax in it."""
    lines = []
    for line in text.split("\n"):
        if "raise HTTPException" in line:
            pad = line[: len(line) - len(line.lstrip())]
            line = f"{pad}try:\n{pad}    pass\n{pad}except KeyError, ValueError:\n{pad}    pass"
        lines.append(line)
    return "\n".join(lines).replace("class Service:", "class Service[T]:").replace("async def read_order(", "async def read_order[T](")


def row(label: str, fast: tuple[float, float] | None, slow: tuple[float, float], full: tuple[float, float], facts: str) -> str:
    fast_text = f"{fast[0]:8.2f} {fast[1]:8.2f}" if fast else f"{'':>8} {'':>8}"
    return f"{label:<46} {fast_text} {slow[0]:9.2f} {slow[1]:9.2f} {full[0]:9.2f} {full[1]:9.2f}  {facts}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    repeat = args.repeat
    parso_grammar = grammar()
    print(f"Python {sys.version.split()[0]}, min and median of {repeat} runs, ms\n")
    print(f"{'statement':<46} {'ast min':>8} {'ast med':>8} {'slow min':>9} {'slow med':>9} {'parso min':>9} {'parso med':>9}  facts")
    for label, valid in (("route, 20 lines", ROUTE), ("class, 1,000 lines", big_class(1000)), ("class, 4,000 lines", big_class(4000))):
        fast = timed(lambda: extract(ast.parse(valid).body), repeat)
        cases = [("newer syntax (3.12-3.14)", newer(valid))]
        lines = valid.split("\n")
        middle = len(lines) // 2
        while "timeout=5)" not in lines[middle] and "if value % 3]" not in lines[middle]:
            middle = (middle + 1) % len(lines)
        in_method = lines[:]
        in_method[middle] = in_method[middle].replace("timeout=5)", "timeout=5").replace("if value % 3]", "if value % 3")
        cases.append(("syntax error in a method" if "class" in label else "syntax error", "\n".join(in_method)))
        if "class" in label:
            cases.append(("syntax error in the class body", valid.replace("    name = 'service'", "    name = ('service'")))
        for what, text in cases:
            error = error_of(text)
            result = slow_parse(text, error)
            slow = timed(lambda: slow_parse(text, error), repeat)
            full = timed(lambda: parso_grammar.parse(text, error_recovery=True, cache=False), repeat)
            facts = f"{len(result.facts.functions)} functions, {len(result.unknown)} blanked" if result.facts else "none"
            print(row(f"{label}: {what}", fast, slow, full, facts))
            fast = None
    return 0


if __name__ == "__main__":
    sys.exit(main())

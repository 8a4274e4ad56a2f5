"""`extend-critical-calls` adds the project's own must-not-be-lost calls to FAP501's catalogue."""

from __future__ import annotations

from fastapi_perf.analysis.options import AnalysisOptions
from fastapi_perf.config import parse_table
from helpers import findings_of

SOURCE = """\
from fastapi import BackgroundTasks, FastAPI

from myapp.notify import push_to_phone

app = FastAPI()


def notify_owner(owner_id: int) -> None:
    push_to_phone(owner_id, "your order shipped")


@app.post("/orders/{order_id}/ship")
def ship(order_id: int, background_tasks: BackgroundTasks):
    background_tasks.add_task(notify_owner, order_id)
    return {"ok": True}
"""


def test_a_listed_call_reached_through_a_helper_is_reported() -> None:
    options = AnalysisOptions(project_uses_fastapi=True, extend_critical_calls=("myapp.notify.*",))
    (finding,) = [f for f in findings_of(SOURCE, options, codes={"FAP501"})]
    assert finding.range.start.line == 13
    assert "`extend-critical-calls`" in finding.message and "notify_owner → myapp.notify.push_to_phone" in finding.message


def test_without_the_setting_the_call_is_unknown_and_quiet() -> None:
    assert not findings_of(SOURCE, AnalysisOptions(project_uses_fastapi=True), codes={"FAP501"})


def test_the_setting_is_read_from_pyproject() -> None:
    values = parse_table({"extend-critical-calls": ["myapp.notify.*", "billing.charge"]})
    assert values == {"extend_critical_calls": ("myapp.notify.*", "billing.charge")}

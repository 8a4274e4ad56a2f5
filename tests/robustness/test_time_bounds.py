"""A pathological module keeps edits fast, and jedi stops when its budget is spent.

The workspace (``pathological.py``) asks jedi questions that take it tens of
seconds each (a 400-link attribute chain, star-import cycles, modules that
import themselves, a huge literal). With inference on, the test types into
a route that asks them (once the workspace is indexed: parsing the 1.5 MB
data module holds the event loop for about a second, once): every
version's diagnostics must arrive promptly, and shortly after the last
edit the server must be idle — no jedi thread still burning CPU. ``tests/benchmarks/bench_time_bounds.py`` prints the
latencies.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
import pytest_lsp
from fastapi_perf.lsp.semantic import ANSWER_BUDGET_S
from lsprotocol import types

from .harness import RecordingClient, change, config, initialize, open_text
from .pathological import EDIT_LINE, build

pytestmark = pytest.mark.timeout(120)

# Generous for a shared CI machine: what matters is that nothing waits for jedi.
EDIT_LIMIT_S = 1.0
IDLE_CPU = 0.2


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks (100 per second on Linux)


@pytest_lsp.fixture(config=config())
async def client(lsp_client: RecordingClient, tmp_path: Path):
    build(tmp_path)
    await initialize(lsp_client, "visual_studio_code", tmp_path, options={"debounce": 0, "inference": True}, fastapi=False)
    yield lsp_client
    await lsp_client.close_session()


async def indexed(client: RecordingClient) -> None:
    """Wait for the workspace index: summarising the 1.5 MB data module holds the loop for a second, once."""
    for _ in range(300):
        if any(isinstance(p, types.WorkDoneProgressEnd) for reports in client.progress_reports.values() for p in reports):
            return
        await asyncio.sleep(0.1)
    pytest.fail("the workspace was never indexed")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the server's CPU time from /proc")
async def test_edits_stay_fast_and_jedi_stops_on_time(client: RecordingClient) -> None:
    text = (client.root / "main.py").read_text()
    uri = open_text(client, text, "main.py", write=False)
    await client.diagnostics_of(uri, 1)
    await indexed(client)
    line = text.split("\n")[EDIT_LINE]
    slowest = 0.0
    for version in range(2, 22):
        column = len(line) + version - 2
        change(client, uri, version, [(types.Position(EDIT_LINE, column), types.Position(EDIT_LINE, column), "x" if version % 2 else " ")])
        sent = time.perf_counter()
        await client.diagnostics_of(uri, version)
        slowest = max(slowest, time.perf_counter() - sent)
        await asyncio.sleep(0.05)
    assert slowest < EDIT_LIMIT_S, f"an edit took {slowest:.2f} s while jedi worked"
    # Within the budget (plus the index's settle time and some slack) the server goes idle.
    pid = client._server.pid
    deadline = time.perf_counter() + ANSWER_BUDGET_S + 6
    while True:
        before = cpu_seconds(pid)
        await asyncio.sleep(1.0)
        used = cpu_seconds(pid) - before
        if used < IDLE_CPU:
            break
        assert time.perf_counter() < deadline, f"still busy ({used:.2f} s CPU per s) {ANSWER_BUDGET_S + 6:.0f} s after the last edit"
    assert (await client.document_text(uri))["version"] == 21
    assert not client.errors(), client.errors()

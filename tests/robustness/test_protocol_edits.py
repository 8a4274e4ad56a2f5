"""Random incremental edits sent over the protocol to the real server never lose an edit.

Hypothesis writes edit scripts (inserts, deletes, replacements across lines,
emoji, CJK, combining marks, CRLF, lone CR, form feeds, unterminated strings
and brackets); each script runs against one long-lived server process per
client kind, on a fresh document. After every ``didChange``:

- the server's text (``fastapi-perf/documentText``) equals the client's, at
  the client's version;
- the diagnostics of that version arrive (pushed with that version, or
  pulled), and no diagnostics for an older version arrive after them;
- every range (diagnostics, related locations in the file, fix and noqa
  edits) lies inside the document, on character boundaries in the
  negotiated encoding;
- the findings are those a fresh analysis of the same text gives;

and at the end nothing was logged as an error and stderr has no traceback.

Three clients cover the three encodings and both diagnostic models: VS Code
(UTF-16, push), Emacs (UTF-32, push), Neovim 0.11 (UTF-8, pull). Together
they send at least ``MIN_EDITS`` edits per run (asserted at the end).
"""

from __future__ import annotations

import os

import pytest
import pytest_lsp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .edits import BASES, EDIT, apply, locate
from .harness import (
    RecordingClient,
    change,
    close,
    config,
    diagnostic_problems,
    expected,
    initialize,
    open_text,
    position_of,
    reported,
)

CLIENTS = ["visual_studio_code", "emacs", "neovim@v0.11.0"]
# ROBUSTNESS_SCALE=10 for a longer run (tests/benchmarks/bench_soak.py sets it).
SCALE = float(os.environ.get("ROBUSTNESS_SCALE", "1"))
EXAMPLES = int(30 * SCALE)
MIN_EDITS = 2000
pytestmark = pytest.mark.timeout(int(120 * max(SCALE, 1)))
COUNTS: dict[str, int] = {}

# A step: one to three changes in one didChange; ``wait`` False sends the next step
# before checking (a burst, as fast typing produces); ``skip`` > 0 jumps versions.
STEP = st.tuples(st.lists(EDIT, min_size=1, max_size=3), st.booleans(), st.integers(0, 2))
SCRIPT = st.tuples(st.integers(0, len(BASES) - 1), st.lists(STEP, min_size=20, max_size=30))


@pytest_lsp.fixture(config=config(), params=CLIENTS)
async def client(lsp_client: RecordingClient, request, tmp_path):
    await initialize(lsp_client, request.param, tmp_path)
    lsp_client.documents_opened = 0
    yield lsp_client
    await lsp_client.close_session()


async def check(client: RecordingClient, uri: str, name: str, text: str, version: int) -> None:
    held = await client.document_text(uri)
    assert held is not None, "the server forgot the document"
    assert held["version"] == version
    assert held["text"] == text, "the server's text differs from the client's"
    found = await client.diagnostics_of(uri, version)
    assert not diagnostic_problems(text, uri, found, client.encoding), diagnostic_problems(text, uri, found, client.encoding)
    assert reported(found) == expected(client, text, name)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(script=SCRIPT)
async def test_random_edits_keep_text_diagnostics_and_ranges_right(client: RecordingClient, script) -> None:
    base, steps = script
    client.documents_opened += 1
    name = f"doc_{client.documents_opened}.py"
    text = BASES[base]
    uri = open_text(client, text, name)
    version = 1
    await check(client, uri, name, text, version)
    sent = 0
    pending = False
    for edits, wait, skip in steps:
        changes = []
        for where, length, new in edits:
            start, end = locate(text, where, length)
            changes.append((position_of(text, start, client.encoding), position_of(text, end, client.encoding), new))
            text = apply(text, start, end, new)
        version += 1 + skip
        change(client, uri, version, changes)
        sent += len(changes)
        pending = not wait
        if wait:
            await check(client, uri, name, text, version)
    if pending:
        await check(client, uri, name, text, version)
    close(client, uri)
    COUNTS[client.client_name] = COUNTS.get(client.client_name, 0) + sent
    assert not client.errors(), client.errors()


def test_enough_edits_were_sent() -> None:
    """Runs after the property tests in this module (pytest keeps file order)."""
    if len(COUNTS) < len(CLIENTS):
        pytest.skip("run together with the property tests: " + ", ".join(COUNTS))
    total = sum(COUNTS.values())
    print(f"edits sent over the protocol: {total} ({COUNTS})")
    assert total >= MIN_EDITS * min(SCALE, 1), COUNTS

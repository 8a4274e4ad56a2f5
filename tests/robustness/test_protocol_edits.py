"""Random incremental edits sent over the protocol to the real server never lose an edit.

Hypothesis writes edit scripts (inserts, deletes, replacements across lines,
emoji, CJK, combining marks, CRLF, lone CR, form feeds, unterminated strings
and brackets, on documents with LF, CRLF and CR-only line ends); each script
runs against one long-lived server process per client kind, on a fresh
document. Between the edits a script also

- repeats the document's version or goes back to a lower one (the change
  must still be applied and analysed);
- sends a range outside the document (a negative line or character, a line
  or a character past the end, a reversed range), which the server must
  clamp as the client's model does;
- asks for the quick fixes of a diagnostic it received earlier, perhaps
  several edits ago, and applies what it gets (a fix may only be offered
  for a diagnostic that describes the text as it is), or asks for fix-all
  and applies it, mid-edit, as an editor sends an applied edit.

After every checked step:

- the server's text (``fastapi-perf/documentText``) equals the client's, at
  the client's version;
- the diagnostics of that version arrive (pushed with that version, or
  pulled), and no diagnostics for an older version arrive after them
  (while the script's versions only went up; after a repeated or lower
  version, the first publication of that version describing the new text);
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
from lsprotocol import types

from .edits import BASES, EDIT, apply, locate
from .harness import (
    RecordingClient,
    apply_lsp_edits,
    change,
    change_raw,
    clamped_offset,
    close,
    config,
    diagnostic_problems,
    expected,
    initialize,
    lsp_lines,
    open_text,
    position_of,
    range_problems,
    reported,
    units,
)

CLIENTS = ["visual_studio_code", "emacs", "neovim@v0.11.0"]
# ROBUSTNESS_SCALE=10 for a longer run (tests/benchmarks/bench_soak.py sets it).
SCALE = float(os.environ.get("ROBUSTNESS_SCALE", "1"))
EXAMPLES = int(50 * SCALE)
MIN_EDITS = 2000
pytestmark = pytest.mark.timeout(int(180 * max(SCALE, 1)))
COUNTS: dict[str, int] = {}
KINDS: dict[str, int] = {}
"""Steps that did what their kind says: bad ranges sent, quick fixes and fix-alls applied, versions repeated or lowered."""
BASES_HERE = BASES + [BASES[0].replace("\n", "\r")]  # CR-only line ends
BAD_RANGES = ["negative-line", "negative-character", "line-past-end", "character-past-end", "reversed"]

# How the version moves with a step: up by one (mostly), up by more, the same again, or down.
MOVE = st.sampled_from(["next", "next", "next", "next", "skip", "repeat", "lower"])
# A step: one to three changes in one didChange; ``wait`` False sends the next step
# before checking (a burst, as fast typing produces).
EDIT_STEP = st.tuples(st.just("edit"), st.lists(EDIT, min_size=1, max_size=3), st.booleans(), MOVE)
STEP = st.one_of(
    EDIT_STEP, EDIT_STEP, EDIT_STEP, EDIT_STEP,  # mostly edits
    st.tuples(st.just("bad-range"), st.tuples(st.sampled_from(BAD_RANGES), EDIT, st.integers(0, 3)), st.booleans(), MOVE),
    st.tuples(st.just("quick-fix"), st.floats(0, 1, allow_nan=False), st.just(True), st.just("next")),
    st.tuples(st.just("fix-all"), st.just(None), st.just(True), st.just("next")),
)
SCRIPT = st.tuples(st.integers(0, len(BASES_HERE) - 1), st.lists(STEP, min_size=20, max_size=30))


@pytest_lsp.fixture(config=config(), params=CLIENTS)
async def client(lsp_client: RecordingClient, request, tmp_path):
    await initialize(lsp_client, request.param, tmp_path)
    lsp_client.documents_opened = 0
    yield lsp_client
    await lsp_client.close_session()


async def check(client: RecordingClient, uri: str, name: str, text: str, version: int, strict: bool) -> list[types.Diagnostic]:
    held = await client.document_text(uri)
    assert held is not None, "the server forgot the document"
    assert held["version"] == version
    assert held["text"] == text, "the server's text differs from the client's"
    want = expected(client, text, name)
    if strict or client.pulls:
        found = await client.diagnostics_of(uri, version)
    else:  # the version was sent before: a publication of an earlier text may carry it too
        accept = lambda p: p.uri == uri and p.version == version and reported(p.diagnostics) == want  # noqa: E731
        found = list((await client.next_publication(accept)).diagnostics)
    assert not diagnostic_problems(text, uri, found, client.encoding), diagnostic_problems(text, uri, found, client.encoding)
    assert reported(found) == want
    return found


def bad_range(text: str, kind: str, edit, extra: int, encoding: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """A range in (line, character) that lies outside ``text`` the way ``kind`` says."""
    where, length, _ = edit
    start, end = locate(text, where, length)
    a, b = position_of(text, start, encoding), position_of(text, end, encoding)
    lines = lsp_lines(text)
    if kind == "negative-line":
        return (-1 - extra, a.character), (b.line, b.character)
    if kind == "negative-character":
        return (a.line, -1 - extra), (b.line, b.character)
    if kind == "line-past-end":
        return (a.line, a.character), (len(lines) + extra, 3)
    if kind == "character-past-end":
        return (a.line, units(lines[a.line], encoding) + 1 + extra), (max(b.line, a.line) + 1, 0)
    return (b.line, b.character), (a.line, a.character)  # reversed


async def offered(client: RecordingClient, uri: str, diagnostic: types.Diagnostic | None) -> list[types.CodeAction]:
    """The actions offered (resolved) for a diagnostic, or fix-all's when there is none."""
    context = types.CodeActionContext(
        diagnostics=[diagnostic] if diagnostic else [],
        only=[types.CodeActionKind.QuickFix] if diagnostic else ["source.fixAll.fastapi-perf"],
    )
    span = diagnostic.range if diagnostic else types.Range(types.Position(0, 0), types.Position(0, 0))
    actions = await client.request(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionParams(text_document=types.TextDocumentIdentifier(uri=uri), range=span, context=context),
    )
    resolved = []
    for action in actions or []:
        if action.edit is None:
            action = await client.request(types.CODE_ACTION_RESOLVE, action)
        if action.edit is not None:
            resolved.append(action)
    return resolved


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    edit = action.edit
    if edit.document_changes:
        return [e for change in edit.document_changes if change.text_document.uri == uri for e in change.edits]
    return list((edit.changes or {}).get(uri, []))


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
    text = BASES_HERE[base]
    uri = open_text(client, text, name)
    version = 1
    strict = True
    found = await check(client, uri, name, text, version, strict)
    sent = 0
    pending = False
    for kind, detail, wait, move in steps:
        if kind in ("quick-fix", "fix-all"):
            # Asked right after a burst, the diagnostics at hand may be of an earlier text.
            target = None
            if kind == "quick-fix":
                fixable = [d for d in found if isinstance(d.data, dict) and d.data.get("fix")]
                if not fixable:
                    continue
                target = fixable[min(int(detail * len(fixable)), len(fixable) - 1)]
            actions = await offered(client, uri, target)
            if target is not None and actions:
                now = {(code, start, end) for code, start, end, _ in expected(client, text, name)}
                spot = (target.code, (target.range.start.line, target.range.start.character),
                        (target.range.end.line, target.range.end.character))
                assert spot in now, "a quick fix was offered for a diagnostic that does not describe the text"
            action = next((a for a in actions if target is None or not a.title.startswith("Disable")), None)
            if action is None:
                continue
            edits = edits_of(action, uri)
            for edit in edits:
                assert not range_problems(text, edit.range, client.encoding, action.title)
            ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
            changes = [(e.range.start, e.range.end, e.new_text) for e in ordered]
            text = apply_lsp_edits(text, edits, client.encoding)
            KINDS[kind] = KINDS.get(kind, 0) + 1
            version += 1
            change(client, uri, version, changes)
            sent += len(changes)
            found = await check(client, uri, name, text, version, strict)
            pending = False
            continue
        moved = {"next": version + 1, "skip": version + 3, "repeat": version, "lower": max(version - 2, 0)}[move]
        strict = strict and moved > version
        if moved <= version:
            KINDS["repeated or lower version"] = KINDS.get("repeated or lower version", 0) + 1
        version = moved
        if kind == "edit":
            changes = []
            for where, length, new in detail:
                start, end = locate(text, where, length)
                changes.append((position_of(text, start, client.encoding), position_of(text, end, client.encoding), new))
                text = apply(text, start, end, new)
            change(client, uri, version, changes)
            sent += len(changes)
        else:
            bad, edit, extra = detail
            start, end = bad_range(text, bad, edit, extra, client.encoding)
            a = clamped_offset(text, *start, client.encoding)
            b = clamped_offset(text, *end, client.encoding)
            text = apply(text, min(a, b), max(a, b), edit[2])
            change_raw(client, uri, version, [(start, end, edit[2])])
            KINDS[kind] = KINDS.get(kind, 0) + 1
            sent += 1
        pending = not wait
        if wait:
            found = await check(client, uri, name, text, version, strict)
    if pending:
        await check(client, uri, name, text, version, strict)
    close(client, uri)
    COUNTS[client.client_name] = COUNTS.get(client.client_name, 0) + sent
    assert not client.errors(), client.errors()


def test_enough_edits_were_sent() -> None:
    """Runs after the property tests in this module (pytest keeps file order)."""
    if len(COUNTS) < len(CLIENTS):
        pytest.skip("run together with the property tests: " + ", ".join(COUNTS))
    total = sum(COUNTS.values())
    print(f"edits sent over the protocol: {total} ({COUNTS}); {KINDS}")
    assert total >= MIN_EDITS * min(SCALE, 1), COUNTS
    assert all(KINDS.get(kind) for kind in ("bad-range", "quick-fix", "fix-all", "repeated or lower version")), KINDS

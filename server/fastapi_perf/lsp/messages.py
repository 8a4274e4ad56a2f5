"""Messages a client got wrong: answered or dropped with a reason, never with a traceback.

pygls turns params that do not fit their method into an exception inside
its read loop: a request then gets no answer at all (the client waits
forever) and a notification is lost, each with a traceback on stderr. Here
a request gets the JSON-RPC error ``-32602`` (InvalidParams) naming what
was wrong, and a notification is dropped with one Warning log message.

One mistake is repaired instead of refused: a ``didChange`` range with a
negative position (or one past what a position can hold). Editors clamp
such a range to the document (VS Code's ``validatePosition``: a line before
the first is the start of the document, a negative column the start of its
line); dropping the whole notification instead would leave the server's
text different from the editor's for the rest of the session. The numbers
are clamped here, before the message is structured; the handler clamps the
rest to the document (a line past the end is its end, a column past the
end of a line is the line's end) and puts a reversed range in order.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import attrs
import cattrs
from cattrs.v import format_exception
from lsprotocol import types

UINTEGER_MAX = 2**31 - 1
"""The largest ``uinteger`` of the LSP (what lsprotocol's validators accept)."""


@attrs.define
class InvalidMessage:
    """A request or notification whose params do not fit its method (what pygls' loop receives instead)."""

    method: str
    id: int | str | None
    reason: str
    jsonrpc: str = "2.0"


def reason(error: Exception) -> str:
    """What was wrong with the params, in cattrs' words (``required field missing @ $.params.position``)."""
    if isinstance(error, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(error, format_exception=_exception))
    return f"{type(error).__name__}: {error}"


def _exception(error: BaseException, kind: type | None) -> str:
    if type(error) is ValueError:  # lsprotocol's validators say which bound was broken
        return str(error).rstrip(".")
    return format_exception(error, kind)


def clamp_change_positions(message: dict[str, Any]) -> list[str]:
    """Clamp the out-of-range numbers of a ``didChange``'s ranges in place; what was clamped, for the log."""
    params = message.get("params")
    changes = params.get("contentChanges") if isinstance(params, dict) else None
    clamped: list[str] = []
    if not isinstance(changes, list):
        return clamped
    for change in changes:
        span = change.get("range") if isinstance(change, dict) else None
        if not isinstance(span, dict):
            continue
        for end in ("start", "end"):
            position = span.get(end)
            if not isinstance(position, dict) or not _numbers(position):
                continue
            line, character = position["line"], position["character"]
            if line < 0:
                position["line"], position["character"] = 0, 0  # before the first line: the start of the document
            elif character < 0:
                position["character"] = 0
            position["line"] = min(position["line"], UINTEGER_MAX)
            position["character"] = min(position["character"], UINTEGER_MAX)
            if (line, character) != (position["line"], position["character"]):
                clamped.append(f"{end} {line}:{character} -> {position['line']}:{position['character']}")
    return clamped


def _numbers(position: dict) -> bool:
    return all(type(position.get(key)) is int for key in ("line", "character"))


class WithoutTraceback(logging.Filter):
    """Log a message the client got wrong (not JSON, nested beyond the parser, not UTF-8) in one line.

    pygls logs it with the traceback of the parser, as it would a bug of the
    server's; the error message it shows the client stays.
    """

    MISTAKES = (json.JSONDecodeError, UnicodeDecodeError, RecursionError)

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, self.MISTAKES) and record.getMessage() == "Unable to handle message":
            record.msg, record.args = f"Unable to handle message: {type(error).__name__}: {error}", ()
            record.exc_info = record.exc_text = None
        return True


DID_CHANGE = types.TEXT_DOCUMENT_DID_CHANGE

"""Debugging aids: custom requests that expose what the server holds.

``fastapi-perf/documentText`` answers ``{"text": ..., "version": ...}`` for an
open document, exactly as the server keeps it after every ``didChange`` it
applied (``null`` when the document is not open). A client, a test or a
person chasing a "the squiggle is in the wrong place" report can compare it
with the editor's buffer: if the two differ, an edit was lost or misapplied.

Params: ``{"textDocument": {"uri": "file:///..."}}`` (a plain ``{"uri": ...}``
is accepted too). The request reads state only; it never analyses.

``kill -USR1 <server pid>`` prints the stack of every thread to stderr (which
editors keep as the server's log): a server that stopped answering can say
where it is stuck without being stopped. The robustness tests use it when a
wait times out.
"""

from __future__ import annotations

import faulthandler
import signal
import sys
from typing import Any

from ..session import FastApiPerfServer

DOCUMENT_TEXT = "fastapi-perf/documentText"


def document_text(ls: FastApiPerfServer, params: Any) -> dict | None:
    uri = _uri_of(params)
    doc = ls.documents.get(uri) if uri is not None else None
    if doc is None:
        return None
    return {"text": doc.document.text, "version": doc.version}


def stacks_on_signal() -> None:
    """Have ``SIGUSR1`` print every thread's stack to stderr."""
    if not hasattr(signal, "SIGUSR1"):
        return  # Windows
    try:
        faulthandler.register(signal.SIGUSR1, file=sys.stderr, all_threads=True)
    except (AttributeError, ValueError, OSError):  # no real stderr (embedded, or stderr closed)
        pass


def _uri_of(params: Any) -> str | None:
    """The URI in the params, whether pygls handed them over as a dict or as an object."""
    for holder in (params, _get(params, "textDocument"), _get(params, "text_document")):
        uri = _get(holder, "uri")
        if isinstance(uri, str):
            return uri
    return None


def _get(value: Any, key: str) -> Any:
    if value is None:
        return None
    if isinstance(value, dict):
        return value.get(key)
    return getattr(value, key, None)

"""Where the server departs from pygls' protocol, and why.

- Text synchronisation follows the LSP's rules for lines. pygls keeps its
  own copy of every document and splits it with ``str.splitlines``, which
  also breaks lines at form feeds and Unicode separators; positions after
  such a character would drift from the client's. The server keeps
  documents itself (``analysis.document``), so open/change/close go straight
  to the server's handlers instead of updating pygls' copy.
- Params that do not fit their method are answered with InvalidParams (or,
  for a notification, dropped with a log message); a ``didChange`` with a
  negative position is clamped instead (``messages.py``).
- Requests after ``shutdown`` are answered with InvalidRequest, and ``exit``
  ends the process with the status the LSP asks for.
"""

from __future__ import annotations

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.protocol.json_rpc import RPCRequest

from .messages import DID_CHANGE, InvalidMessage, clamp_change_positions, reason
from .parent import exit_now


class FastApiPerfProtocol(LanguageServerProtocol):
    def _user_handler(self, method: str):
        return self.fm.features.get(method)

    def structure_message(self, data: dict):
        method = data.get("method") if "jsonrpc" in data else None
        message_type = self.get_message_type(method) if isinstance(method, str) and "error" not in data else None
        if message_type is None:  # responses, errors, methods lsprotocol does not know: pygls' way
            return super().structure_message(data)
        if method == DID_CHANGE and (clamped := clamp_change_positions(data)):
            document = data["params"].get("textDocument")
            uri = document.get("uri") if isinstance(document, dict) else None
            self._log_mistake(f"didChange for {uri}: positions outside the LSP's range clamped ({', '.join(clamped)})")
        try:
            return self._converter.structure(data, message_type)
        except Exception as error:
            return InvalidMessage(method, data.get("id"), reason(error))

    def handle_message(self, message) -> None:
        if isinstance(message, InvalidMessage):
            if message.id is None:
                self._log_mistake(f"{message.method}: ignored, its params are invalid: {message.reason}")
            else:
                error = JsonRpcInvalidParams(f"{message.method}: invalid params: {message.reason}")
                self._send_response(message.id, None, error.to_response_error())
            return
        # The LSP: requests after ``shutdown`` must fail with InvalidRequest. pygls
        # drops them without an answer, which leaves the client waiting forever.
        if self._shutdown and isinstance(message, RPCRequest) and message.method != types.EXIT:
            error = JsonRpcInvalidRequest(f"{message.method}: the server is shutting down")
            self._send_response(message.id, None, error.to_response_error())
            return
        super().handle_message(message)

    def _log_mistake(self, text: str) -> None:
        """A client's mistake: one Warning log message, no traceback."""
        self.notify(types.WINDOW_LOG_MESSAGE, types.LogMessageParams(types.MessageType.Warning, text))

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args):
        """End the process: 0 after ``shutdown``, 1 without (the LSP).

        pygls raises ``SystemExit`` from the handler, which cancels every task
        still running (an ``initialized`` waiting for the client, say), each
        with a traceback, and then waits for a reader thread that may never
        return; the server has nothing left to save, so it ends at once.
        """
        exit_now(0 if self._shutdown else 1)
        yield from ()

    def _check_handler_result(self, future) -> None:
        # pygls (2.1) files the future of every notification whose handler is a coroutine,
        # a thread or a generator (didOpen, didChange and didClose here) in
        # ``_request_futures`` under a fresh id, and never takes it out: each edit left a
        # future, its lock and its callbacks behind, 4 MB per 1,000 edits. (A cancelled one is
        # left alone: ``shutdown`` cancels them while it iterates over the dict.)
        if not future.cancelled():
            for key in [key for key, pending in self._request_futures.items() if pending is future]:
                del self._request_futures[key]
        super()._check_handler_result(future)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        if (handler := self._user_handler(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (handler := self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        if (handler := self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def send_raw_body(self, body: str) -> None:
        """Send a JSON-RPC message that is already serialised (ASCII, as ``json.dumps`` makes it)."""
        if self.writer is None:
            return
        data = f"Content-Length: {len(body.encode())}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n{body}"
        try:
            result = self.writer.write(data.encode(self.CHARSET))
        except (BrokenPipeError, ConnectionError):
            return
        if hasattr(result, "__await__"):
            import asyncio

            asyncio.ensure_future(result)

    def send_raw_notification(self, method: str, params: dict) -> None:
        """Send a notification whose params are already JSON-ready.

        Diagnostics for a large file are hundreds of nested objects; building
        them as plain dicts and serialising once with ``json`` is an order of
        magnitude faster than converting ``lsprotocol`` objects.
        """
        self._send_data({"jsonrpc": "2.0", "method": method, "params": params})

"""One function per LSP method, registered on the server by ``lsp/server.py``.

A handler converts the message's params, applies what it says to the
session (``session.py``, ``documents.py``) and reports it to the scheduler,
or answers from the current analysis. Handlers never call one another.
"""

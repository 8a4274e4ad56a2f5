"""The language server: a thin pygls layer over the analysis core.

Calls go one way: ``server.py`` registers ``handlers/`` (one function per
LSP method), handlers report to ``scheduler.py``, the only module that
decides what to analyse again and when to tell the client, and below it sit
the diagnostics (``convert.py`` turns findings into LSP data, with no
handler in it), jedi (``semantic.py``), the workspace index
(``indexing.py``), the open documents and the session's state. No rule
logic lives here.
"""

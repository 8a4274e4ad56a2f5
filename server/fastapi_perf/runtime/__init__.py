"""Runtime evidence: what the test suite saw block the event loop.

``pytest --fastapi-perf`` (the ``runtime`` extra) records blocking calls and
loop stalls while the tests run (:mod:`.plugin`, on top of aiocop in
:mod:`.detector`), attributes each to the project's own line and gives it the
FAP code of its kind (:mod:`.attribution`), and writes the sites to
``fastapi-perf-runtime.json`` (:mod:`.report`). :mod:`.join` merges a report
into the static findings; it is pure and needs neither pytest nor aiocop.
"""

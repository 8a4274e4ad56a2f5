# The workspaces are example projects read by the tests, not tests: their ``tests/`` folders
# (``test_*.py``, ``conftest.py``) exist to be analysed.
collect_ignore = ["workspaces"]

"""``python -m fastapi_perf``: the ``fastapi-perf`` command, as safe as the installed script.

``python -m`` puts the current folder first on ``sys.path``. An editor
starts the server in the workspace folder, and CI runs ``check`` in the
checkout, so a file there named like a module fastapi-perf imports
(``argparse.py``, ``difflib.py``, ``dataclasses.py``) would run in our
process. The folder leaves ``sys.path`` here, before anything else is
imported; the installed script never had it there. What Python itself
imports before handing over (``runpy`` and its own imports) can only be
protected by starting with ``python -P`` (``PYTHONSAFEPATH``, 3.11+).
"""

import os
import sys


def _forget_working_directory() -> None:
    try:
        cwd = os.getcwd()
    except OSError:  # the folder was deleted
        cwd = None
    # Where this package was imported from stays: a worker process started
    # with "spawn" imports it again from there.
    own = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path[:] = [entry for entry in sys.path if entry == own or entry not in ("", ".", cwd)]


_forget_working_directory()

from .cli import main  # noqa: E402 - only once the current folder is off sys.path

sys.exit(main())

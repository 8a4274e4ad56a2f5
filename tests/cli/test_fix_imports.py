"""Where ``--fix`` puts the imports it adds, and which it removes, file by file as isort and Ruff want.

Each case is a module of a small project, fixed with ``fastapi-perf check
--fix``; its import block must come out exactly as written here, and
``ruff check --select I,F`` must find nothing the original did not have.
"""

from __future__ import annotations

import pytest

from .conftest import fastapi_perf
from .test_fix_lint import ruff

CASES = {
    "new-section": (
        '"""Service helpers."""\n\nimport os\n\nfrom app.models import Item\n\n\n'
        "async def exists(path):\n    await Item.load()\n    return os.path.exists(path)\n",
        '"""Service helpers."""\n\nimport os\n\nfrom starlette.concurrency import run_in_threadpool\n\n'
        "from app.models import Item\n\n\n",
    ),
    "merged-and-wrapped": (
        "import os\n\nfrom starlette.concurrency import iterate_in_threadpool, run_until_first_complete\n\n\n"
        "async def check(path):\n    await iterate_in_threadpool(path)\n    return os.path.exists(path), run_until_first_complete\n",
        "import os\n\nfrom starlette.concurrency import (\n    iterate_in_threadpool,\n    run_in_threadpool,\n"
        "    run_until_first_complete,\n)\n\n\n",
    ),
    "merged-in-place": (
        "import os\n\nfrom starlette.concurrency import iterate_in_threadpool  # used below\n\n\n"
        "async def check(path):\n    await iterate_in_threadpool(path)\n    return os.path.exists(path)\n",
        "import os\n\nfrom starlette.concurrency import iterate_in_threadpool, run_in_threadpool  # used below\n\n\n",
    ),
    "sorted-in-its-section-and-unused-removed": (
        "from __future__ import annotations\n\nimport os\nimport time\n\nfrom app.models import Item\n\n\n"
        "async def pause(path):\n    time.sleep(1)\n    await Item.load()\n    return os.sep\n",
        "from __future__ import annotations\n\nimport asyncio\nimport os\n\nfrom app.models import Item\n\n\n",
    ),
    "a-section-that-empties": (
        "import time\n\nfrom app.models import Item\n\n\nasync def pause():\n    time.sleep(1)\n    await Item.load()\n",
        "import asyncio\n\nfrom app.models import Item\n\n\n",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_imports_are_placed_as_isort_would(project, case: str, newline: str) -> None:
    source, expected_head = CASES[case]
    root = project({
        "pyproject.toml": "[project]\nname = 'x'\ndependencies = ['fastapi']\n",
        "app/__init__.py": "",
        "app/models.py": "class Item:\n    @staticmethod\n    async def load():\n        return None\n",
    })
    module = root / "app" / "module.py"
    module.write_bytes(source.replace("\n", newline).encode())
    before = ruff(root, "app/module.py")
    run = fastapi_perf("check", "--fix", "--no-cache", "app/module.py", cwd=root)
    assert "Fixed" in run.stdout, (run.stdout, run.stderr)
    fixed = module.read_bytes().decode()
    assert fixed.startswith(expected_head.replace("\n", newline)), fixed
    assert fixed.replace("\r\n", "").count("\n" if newline == "\r\n" else "\r") == 0, "one kind of line ending"
    assert ruff(root, "app/module.py") <= before

"""A workspace built to make analysis and inference slow: what the time-bound test and benchmark open.

``main.py`` (the open document) holds a huge literal, an attribute chain
hundreds of links deep, and routes whose receivers only jedi could type
(through the literal, the chain, star imports and recursive imports), so
every edit leaves questions for the inference tier. Around it:

- ``star_a`` and ``star_b`` import each other with ``*``; ``star_c`` joins the
  cycle through a third module;
- ``recursive`` imports itself (``from recursive import *``, ``import
  recursive``), and the ``loop`` package's ``__init__`` imports itself through
  ``from loop import *`` and ``from . import *``;
- ``big_literal`` is a 1.5 MB data module (under ``max-file-size``).

Edits go into the body of the first route (``EDIT_LINE``), as typing there
would, so each one re-checks a statement that asks jedi questions.
"""

from __future__ import annotations

from pathlib import Path

DEPTH = 400
LITERAL_ITEMS = 5_000


def chain(depth: int) -> str:
    return "settings" + "".join(f".level{i}" for i in range(depth))


def literal(items: int) -> str:
    rows = ",\n    ".join(f'{{"id": {i}, "name": "item-{i}", "tags": ["a", "b", {i}], "client": None}}' for i in range(items))
    return f"DATA = [\n    {rows},\n]\n"


def main_module() -> str:
    routes = "".join(
        f'''

@app.get("/r{i}")
async def route_{i}(request: Request):
    deep = {chain(DEPTH // (i + 1))}
    row = DATA[{i}]["client"]
    client = star_value().session
    mine = recursive.thing.handle
    deep.execute("SELECT {i}")
    row.execute("SELECT 1")
    client.execute("SELECT 2")
    mine.get("https://example.com")
    await asyncio.sleep(0)
    return {{"n": {i}}}
'''
        for i in range(8)
    )
    return (
        "import asyncio\n"
        "import recursive\n"
        "from big_literal import *\n"
        "from star_a import *\n"
        "from loop import *\n"
        "from fastapi import FastAPI, Request\n\n"
        "app = FastAPI()\n"
        "settings = object()\n\n"
        + literal(LITERAL_ITEMS // 5)
        + routes
    )


# 0-based line of ``row.execute`` in the first route: where the edits type.
EDIT_LINE = main_module().split("\n").index('    row.execute("SELECT 1")')


def build(root: Path) -> Path:
    """Write the workspace under ``root``; return the path of ``main.py``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'pathological'\ndependencies = ['fastapi']\n")
    (root / "big_literal.py").write_text(literal(LITERAL_ITEMS * 3))
    (root / "star_a.py").write_text("from star_b import *\nfrom star_c import *\n\n\ndef star_value():\n    return b_value()\n")
    (root / "star_b.py").write_text("from star_a import *\n\n\ndef b_value():\n    return c_value()\n")
    (root / "star_c.py").write_text("from star_a import *\nfrom star_b import *\n\n\ndef c_value():\n    return star_value()\n")
    (root / "recursive.py").write_text(
        "from recursive import *\nimport recursive\n\nthing = recursive.thing\nhandle = recursive.handle.handle\n"
    )
    (root / "loop").mkdir(exist_ok=True)
    (root / "loop" / "__init__.py").write_text("from loop import *\nfrom . import *\nfrom .inner import *\n")
    (root / "loop" / "inner.py").write_text("from loop import *\nfrom .inner import *\n")
    path = root / "main.py"
    path.write_text(main_module())
    return path

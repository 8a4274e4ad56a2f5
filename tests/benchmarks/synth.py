"""Deterministic synthetic FastAPI modules for benchmarks.

Each module mixes what real services contain: routers, ``async def`` and
``def`` endpoints, SQLAlchemy sessions, ``requests``/``httpx`` calls,
Pydantic models with validators, ``Depends`` chains, background tasks and
helpers. Some endpoints block the loop so the rules have work to do. The
same (lines, seed) always gives the same text, exactly ``lines`` long.
"""

from __future__ import annotations

import ast
import random
from pathlib import Path

HEADER = '''"""Synthetic service module (seed={seed})."""
import asyncio
import logging
import time
from typing import Annotated

import httpx
import requests
from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, HTTPException
from pydantic import BaseModel, field_validator
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)
app = FastAPI()
router = APIRouter()


def get_db():
    db = Session()
    try:
        yield db
    finally:
        db.close()


async def get_async_db():
    async with AsyncSession() as session:
        yield session


DbDep = Annotated[Session, Depends(get_db)]
'''

TEMPLATES = [
    '''

class {Name}In(BaseModel):
    name: str
    quantity: int = 1
    note: str = ""

    @field_validator("name")
    @classmethod
    def _strip_{name}(cls, value: str) -> str:
        return value.strip()
''',
    '''

@router.get("/{name}/{{item_id}}")
async def read_{name}_{n}(item_id: int, db: DbDep):
    row = db.get({Name}In, item_id)
    if row is None:
        raise HTTPException(status_code=404)
    return row
''',
    '''

@router.post("/{name}")
async def create_{name}_{n}(payload: {Name}In, db: AsyncSession = Depends(get_async_db)):
    db.add(payload)
    await db.commit()
    logger.info("created %s", payload.name)
    return {{"ok": True, "name": payload.name}}
''',
    '''

@router.get("/{name}/{{item_id}}/remote")
async def remote_{name}_{n}(item_id: int):
    response = requests.get(f"https://service.internal/{name}/{{item_id}}", timeout=5)
    time.sleep(0.01)
    return response.json()
''',
    '''

@router.get("/{name}/{{item_id}}/async-remote")
async def async_remote_{name}_{n}(item_id: int):
    async with httpx.AsyncClient() as client:
        response = await client.get(f"https://service.internal/{name}/{{item_id}}")
    await asyncio.sleep(0)
    return response.json()
''',
    '''

def _total_{name}_{n}(db: Session) -> int:
    return db.scalar(select(func.count()).select_from({Name}In)) or 0


@router.get("/{name}/stats/{n}")
def stats_{name}_{n}(db: DbDep):
    total = _total_{name}_{n}(db)
    return {{"total": total, "kind": "{name}"}}
''',
    '''

def _notify_{name}_{n}(address: str, text: str) -> None:
    logger.info("notify %s: %s", address, text)


@router.post("/{name}/{{item_id}}/notify")
async def notify_{name}_{n}(item_id: int, tasks: BackgroundTasks):
    tasks.add_task(_notify_{name}_{n}, "ops@example.com", f"{name} {{item_id}}")
    return {{"queued": item_id}}
''',
    '''

@router.get("/{name}/health/{n}")
async def health_{name}_{n}():
    values = [value * 2 for value in range(10) if value % 3]
    return {{"status": "ok", "values": values, "kind": "{name}"}}
''',
]
NAMES = ["order", "invoice", "user", "product", "payment", "ticket", "review", "report", "device", "tenant"]


def module(lines: int, seed: int = 0) -> str:
    rng = random.Random(seed * 7919 + lines)
    parts = [HEADER.format(seed=seed)]
    count = HEADER.count("\n")
    n = 0
    while True:
        name = rng.choice(NAMES)
        block = rng.choice(TEMPLATES).format(name=name, Name=name.title(), n=n)
        n += 1
        if count + block.count("\n") > lines:
            break
        parts.append(block)
        count += block.count("\n")
    parts.append("\n" * (lines - count))
    text = "".join(parts)
    ast.parse(text)
    assert text.count("\n") == lines
    return text


def class_module(lines: int, seed: int = 0) -> str:
    """A module that is one large class (a class-based view): the templates as its members."""
    rng = random.Random(seed * 104729 + lines)
    parts = [HEADER.format(seed=seed), "\n\nclass Service:\n    name = \"service\"\n"]
    count = sum(p.count("\n") for p in parts)
    n = 0
    while True:
        name = rng.choice(NAMES)
        block = rng.choice(TEMPLATES).format(name=name, Name=name.title(), n=n)
        block = "".join("    " + line if line.strip() else line for line in block.splitlines(keepends=True))
        n += 1
        if count + block.count("\n") > lines:
            break
        parts.append(block)
        count += block.count("\n")
    parts.append("\n" * (lines - count))
    text = "".join(parts)
    ast.parse(text)
    assert text.count("\n") == lines
    return text


def project(folder: Path, spec: list[tuple[int, int]]) -> tuple[list[Path], int]:
    """Write ``count`` modules of ``lines`` each; return the files and the total line count."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    total = 0
    for lines, count in spec:
        for index in range(count):
            path = folder / f"service_{lines}_{index}.py"
            path.write_text(module(lines, seed=index), encoding="utf-8")
            files.append(path)
            total += lines
    return files, total

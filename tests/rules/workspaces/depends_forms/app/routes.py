from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from .database import SessionLocal
from .deps import AsyncSessionDep, SessionDep, get_async_db, get_db

router = APIRouter()


@router.get("/a")
async def unannotated(db=Depends(get_db)):  # error: FAP201
    return db.execute(select(1)).all()  # error: FAP101


@router.get("/b")
async def alias_from_other_file(db: SessionDep):  # error: FAP201
    return db.scalars(select(1)).all()  # error: FAP101


@router.get("/c")
async def inline_annotated(db: Annotated[Session, Depends(get_db)]):  # error: FAP201
    return db.get(dict, 1)  # error: FAP101


@router.get("/d")
async def constructed_from_other_file():  # error: FAP201
    with SessionLocal() as db:
        db.commit()  # error: FAP101
    return {}


# Look-alikes that must stay quiet.


@router.get("/e")
async def async_alias(db: AsyncSessionDep):
    return (await db.execute(select(1))).all()


@router.get("/f")
async def async_dependency(db=Depends(get_async_db)):
    result = await db.scalars(select(1))
    return result.all()

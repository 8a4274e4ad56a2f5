from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from .deps import get_async_db, get_db, get_reporting_db

router = APIRouter()


@router.get("/sales")
def sales(db: Session = Depends(get_db), warehouse: Session = Depends(get_reporting_db)):
    """The main database and the reporting one: a session on each is the only way."""
    return warehouse.execute("select 1")


@router.get("/orders")
async def orders(db: Session = Depends(get_db), adb: AsyncSession = Depends(get_async_db)):  # error: FAP401 "both on one database"
    """A sync and an async engine on the main database's URL: two connections to one database."""
    return await adb.execute("select 1")

"""Dependencies that never await: converting each to `def` is offered only where nothing awaits it."""

from fastapi import Depends
from sqlalchemy.orm import Session

from .db import get_db
from .models import Account, Flags


async def get_account(db: Session = Depends(get_db)):  # error: FAP201
    """Awaited by `permissions.require_admin` in another file: the fix would break it."""
    return db.get(Account, 1)  # error: FAP101


async def get_flags(db: Session = Depends(get_db)):  # error: FAP201
    """Used only through `Depends`: the fix is safe for its callers."""
    return db.get(Flags, 1)  # error: FAP101


async def get_limits(db: Session = Depends(get_db)):  # error: FAP201
    """Awaited by a test: converting it would break the test."""
    return db.get(Flags, 2)  # error: FAP101

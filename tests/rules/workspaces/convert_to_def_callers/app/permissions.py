from fastapi import Depends, HTTPException

from .db import Session, get_db
from .deps import get_account


async def require_admin(db: Session = Depends(get_db)):
    account = await get_account(db)
    if not account.is_admin:
        raise HTTPException(403)
    return account

from fastapi import Depends, Header
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import User


def get_current_user(x_user: int = Header(), db: Session = Depends(get_db)):
    return db.scalars(select(User).where(User.id == x_user)).one()


def require_member(user=Depends(get_current_user)):  # names get_current_user from its own file
    return user

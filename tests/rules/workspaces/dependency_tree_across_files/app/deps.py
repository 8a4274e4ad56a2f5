from typing import Annotated

from fastapi import Depends, Header
from sqlalchemy.orm import Session

from .db import get_db, get_replica
from .models import User

DbSession = Annotated[Session, Depends(get_db)]
ReplicaDb = Annotated[Session, Depends(get_replica)]


def get_current_user(db: DbSession, x_user: int = Header()):
    return db.get(User, x_user)


CurrentUser = Annotated[User, Depends(get_current_user)]


class RequireAdmin:
    def __call__(self, db: DbSession, x_user: int = Header()):
        user = get_current_user(db, x_user)
        if not user.is_admin:
            raise PermissionError
        return user

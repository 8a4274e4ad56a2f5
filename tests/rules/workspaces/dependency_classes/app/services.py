"""Dependency classes: FastAPI constructs them with their own Depends parameters."""

from fastapi import Depends
from sqlalchemy.orm import Session


def get_db():
    yield Session()


class UserService:
    def __init__(self, db: Session = Depends(get_db)) -> None:
        self.db = db

    def list(self):
        return self.db.query(dict).all()

    def label(self) -> str:
        return "users"


class CanEdit:
    def check(self, db: Session) -> bool:
        return db.execute("SELECT 1").scalar() == 1


class IsOwner:
    def check(self, db: Session) -> bool:
        return True  # nothing to look up


class Require:
    """A callable instance: FastAPI awaits ``__call__`` for ``Depends(Require([...]))``."""

    def __init__(self, perms) -> None:
        self.perms = perms

    async def __call__(self, db: Session = Depends(get_db)) -> bool:  # error: FAP201
        for perm in self.perms:
            perm.check(db)
        return True

"""Generic repository base classes: what subclasses in other files inherit."""

import smtplib
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

M = TypeVar("M")


class BaseRepo(Generic[M]):
    model: type

    def __init__(self, db: Session):
        self.db = db

    def count_all(self) -> int:
        return self.db.query(self.model).count()

    def get(self, ident: int):
        return self.db.get(self.model, ident)

    @classmethod
    def for_session(cls, db: Session):
        return cls(db)

    @staticmethod
    def ping(db: Session) -> None:
        db.execute("SELECT 1")


class Mailer(smtplib.SMTP):
    """A project subclass of a catalogued class: its methods keep their kind."""

    def notify(self, to: str, body: str) -> None:
        self.sendmail("noreply@example.com", [to], body)


class TrackedSession(Session):
    """A sync session subclass: still a sync session."""


class FastSession(AsyncSession):
    """An async session subclass: its methods are coroutines."""

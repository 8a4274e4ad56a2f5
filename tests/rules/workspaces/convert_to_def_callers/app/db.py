from sqlalchemy.orm import Session, sessionmaker

SessionLocal = sessionmaker()


def get_db():
    with SessionLocal() as db:
        yield db


def current_user_id() -> int:
    return 1


__all__ = ["Session", "get_db", "current_user_id"]

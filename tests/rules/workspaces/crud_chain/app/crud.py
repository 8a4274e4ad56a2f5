import time

from sqlalchemy.orm import Session


def get_user(db: Session, user_id: int):
    return db.query(dict).filter_by(id=user_id).first()


def slow_report():
    time.sleep(2)
    return {}


def cached_name(user_id: int) -> str:
    return f"user-{user_id}"

from cachetools import TTLCache, cached
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import SessionLocal
from ..models import Order


def order_counts(db: Session) -> dict:
    return dict(db.execute(select(Order.status, func.count()).group_by(Order.status)).all())


@cached(TTLCache(maxsize=1, ttl=30))
def cached_order_counts(db: Session) -> dict:
    return dict(db.execute(select(Order.status, func.count()).group_by(Order.status)).all())


def orders_of(db: Session, owner_id: int) -> int:
    return db.scalar(select(func.count()).select_from(Order).where(Order.owner_id == owner_id))


def status_counts() -> dict:
    with SessionLocal() as db:  # opens its own session: nothing is handed to it
        return dict(db.execute(select(Order.status, func.count()).group_by(Order.status)).all())


def label(counts: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in counts.items())

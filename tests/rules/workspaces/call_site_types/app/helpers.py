"""Helpers with untyped parameters: what they do depends on what callers pass."""

from sqlalchemy import func, select


def total_orders(db, user_id):
    return db.scalar(select(func.count()).where(user_id == user_id))


def orders_summary(db, user_id):
    return {"total": total_orders(db, user_id)}  # passes the parameter on


def maybe_commit(db, flag):
    if flag:
        db.commit()  # on some calls only


def shout(value):
    return value.upper()  # a str method: no I/O whatever the type


class Stats:
    def rows(self, session, limit=10):
        return session.execute(select(func.count())).all()[:limit]

"""Sessions handed out the ways projects do it."""

import functools

from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import scoped_session, sessionmaker

engine = create_engine("sqlite://")
SessionLocal = sessionmaker(bind=engine)
AsyncSessionLocal = async_sessionmaker()
db_session = scoped_session(SessionLocal)  # a thread-local session global


def provide_session(func):
    """Open a session and pass it to the function (an Airflow-style decorator)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with SessionLocal() as session:
            return func(*args, session=session, **kwargs)

    return wrapper


class SessionFactory:
    def __call__(self):
        return SessionLocal()  # no annotation: the type comes from the value


get_session = SessionFactory()

from .db import AsyncSessionLocal, ReportingSession, SessionLocal


def get_db():
    with SessionLocal() as db:
        yield db


async def get_async_db():
    async with AsyncSessionLocal() as db:
        yield db


def get_reporting_db():
    with ReportingSession() as db:
        yield db

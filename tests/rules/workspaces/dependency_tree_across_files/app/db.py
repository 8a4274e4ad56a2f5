from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import sessionmaker

SessionLocal = sessionmaker(bind=create_engine("sqlite://"))
ReplicaSession = sessionmaker(bind=create_engine("sqlite://"))
AsyncSessionLocal = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))


def get_db():
    with SessionLocal() as db:
        yield db


def get_replica():
    with ReplicaSession() as db:
        yield db


async def get_async_db():
    async with AsyncSessionLocal() as db:
        yield db

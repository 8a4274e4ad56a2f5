from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import sessionmaker

from .config import settings

engine = create_engine(str(settings.DATABASE_URL))
async_engine = create_async_engine(str(settings.DATABASE_URL).replace("postgresql://", "postgresql+asyncpg://"))
reporting_engine = create_engine(settings.REPORTING_DATABASE_URL)

SessionLocal = sessionmaker(bind=engine)
AsyncSessionLocal = async_sessionmaker(async_engine)
ReportingSession = sessionmaker(bind=reporting_engine)

from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite://")
SessionLocal = sessionmaker(bind=engine)
AsyncSessionLocal = async_sessionmaker(bind=create_async_engine("sqlite+aiosqlite://"))

from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from .tenancy import current_tenant

engine = create_engine("postgresql://db/app")
SessionLocal = sessionmaker(bind=engine)
DEFAULT_SCHEMA = "public"


@contextmanager
def session_for_tenant(tenant: str):
    session = Session(bind=engine.execution_options(schema_translate_map={None: tenant}))
    try:
        yield session
    finally:
        session.close()


@contextmanager
def session_for_schema(schema: str):
    session = Session(bind=engine.execution_options(schema_translate_map={None: schema}))
    try:
        yield session
    finally:
        session.close()


def get_tenant_session():
    tenant = current_tenant()
    with session_for_tenant(tenant) as session:
        yield session


def get_public_session():
    with session_for_schema(DEFAULT_SCHEMA) as session:  # one schema for every caller
        yield session


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()

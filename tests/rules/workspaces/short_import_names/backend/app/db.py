from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

SessionLocal = sessionmaker(bind=create_engine("sqlite://"))
AuditSession = sessionmaker(bind=create_engine("sqlite://"))


def get_db():
    with SessionLocal() as db:
        yield db


def get_audit_db():
    with AuditSession() as db:
        yield db

"""Insights and notifications: dependency trees, background tasks and a dashboard."""

import smtplib
import subprocess
from email.message import EmailMessage

from fastapi import APIRouter, BackgroundTasks, Depends, Header
from sqlalchemy import func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from .database import engine, get_db

router = APIRouter(prefix="/insights")
ReportingSession = sessionmaker(bind=engine)  # a second session factory, "for reports"


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str]
    is_staff: Mapped[bool]


class Sale(Base):
    __tablename__ = "sales"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str]


def get_reporting_db():
    with ReportingSession() as db:
        yield db


def current_customer(x_customer: int = Header(), db: Session = Depends(get_db)):
    return db.get(Customer, x_customer)


def require_staff(x_customer: int = Header(), db: Session = Depends(get_db)):
    customer = db.scalars(select(Customer).where(Customer.id == x_customer)).one()  # loads it again
    if not customer.is_staff:
        raise PermissionError("staff only")
    return customer


@router.get("/dashboard")
def dashboard(  # error: FAP401, FAP402
    customer=Depends(current_customer),
    staff=Depends(require_staff),
    db: Session = Depends(get_reporting_db),
):
    rows = db.execute(select(Sale.status, func.count()).group_by(Sale.status)).all()  # error: FAP602
    return dict(rows)


def send_digest(address: str) -> None:
    message = EmailMessage()
    message["To"] = address
    with smtplib.SMTP("mail.example.com") as smtp:
        smtp.send_message(message)


def render_report() -> None:
    subprocess.run(["make-report"], check=True)


async def refresh_report() -> None:
    render_report()  # error: FAP106


def note_request(address: str) -> None:
    print("digest requested by", address)


@router.post("/digest")
def digest(address: str, background_tasks: BackgroundTasks):
    background_tasks.add_task(send_digest, address)  # error: FAP501
    background_tasks.add_task(refresh_report)  # error: FAP502
    background_tasks.add_task(note_request, address)  # best effort: fine
    return {"queued": True}


# Look-alikes: these are fine and stay quiet.


def staff_only(customer=Depends(current_customer)):
    if not customer.is_staff:
        raise PermissionError("staff only")
    return customer


@router.get("/me")
def me(customer=Depends(current_customer), staff=Depends(staff_only), db: Session = Depends(get_db)):
    return {"id": customer.id}


@router.get("/sales")
def sales(skip: int = 0, limit: int = 20, db: Session = Depends(get_db)):
    total = db.scalar(select(func.count()).select_from(Sale))  # the total of a paginated list
    page = db.scalars(select(Sale).offset(skip).limit(limit)).all()
    return {"total": total, "items": [sale.id for sale in page]}

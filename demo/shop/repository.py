"""Data access, synchronous like the session it uses."""

from sqlalchemy import text
from sqlalchemy.orm import Session


def find_products(db: Session, query: str) -> list[dict]:
    rows = db.execute(text("SELECT sku, name FROM products WHERE name LIKE :q"), {"q": f"%{query}%"})
    return [dict(row._mapping) for row in rows]


def find_customer(db: Session, customer_id: int) -> dict | None:
    row = db.execute(text("SELECT id, name FROM customers WHERE id = :id"), {"id": customer_id}).first()
    return dict(row._mapping) if row else None

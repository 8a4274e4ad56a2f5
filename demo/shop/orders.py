"""Order routes."""

import asyncio
import subprocess

from fastapi import APIRouter, Depends

from .database import get_db
from .repository import find_customer

router = APIRouter(prefix="/orders")


async def current_customer(customer_id: int = 1, db=Depends(get_db)):  # error: FAP201
    return find_customer(db, customer_id)  # error: FAP101


@router.post("/{order_id}/invoice")
async def invoice(order_id: int, customer=Depends(current_customer)):
    subprocess.run(["render-invoice", str(order_id)], check=True)  # error: FAP106
    await asyncio.sleep(0)
    return {"order": order_id, "customer": customer}


@router.get("/{order_id}")
def order(order_id: int):
    subprocess.run(["audit", str(order_id)], check=True)  # a def route: fine
    return {"order": order_id}

from fastapi import APIRouter

from acme.orders import ledger
from acme.storage.files import archive

router = APIRouter()


@router.post("/orders/{order_id}/close")
async def close_order(order_id: int):
    ledger.write_entry(order_id)
    return {"closed": order_id}


@router.post("/orders/{order_id}/archive")
async def archive_order(order_id: int):
    return archive(order_id)

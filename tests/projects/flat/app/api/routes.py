from fastapi import APIRouter

from ..services.slow import fetch_one

router = APIRouter()


@router.get("/items/{item_id}")
async def read_item(item_id: int):
    return fetch_one(item_id)

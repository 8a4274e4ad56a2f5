import time

from fastapi import HTTPException


def fetch():
    time.sleep(0.5)
    return {"items": []}


def fetch_one(item_id: int):
    if item_id < 0:
        raise HTTPException(status_code=404)
    time.sleep(0.5)
    return {"id": item_id}

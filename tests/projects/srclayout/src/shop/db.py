import time

from fastapi import HTTPException


def load_orders():
    time.sleep(0.2)
    if not time:
        raise HTTPException(status_code=500)
    return []

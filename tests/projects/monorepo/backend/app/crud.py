import time

from fastapi import HTTPException


def get_user(user_id: int):
    if user_id < 0:
        raise HTTPException(status_code=404)
    time.sleep(0.1)
    return {"id": user_id}

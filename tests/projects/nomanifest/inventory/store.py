import time

from fastapi import HTTPException


def read():
    time.sleep(0.1)
    if not time:
        raise HTTPException(status_code=503)
    return {}

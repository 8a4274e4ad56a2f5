import time

from fastapi import APIRouter

router = APIRouter()


@router.get("/legacy")
async def legacy():
    time.sleep(1)
    with open("legacy.txt") as handle:
        return handle.read()

import time

from fastapi import APIRouter

router = APIRouter()


@router.get("/export")
async def export():
    time.sleep(1)
    with open("report.csv") as handle:
        return handle.read()

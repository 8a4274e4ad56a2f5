from fastapi import APIRouter

from .worker import shared_with_a_route

router = APIRouter()


@router.get("/now")
async def now():
    await shared_with_a_route()

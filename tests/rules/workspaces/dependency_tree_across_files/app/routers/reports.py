from fastapi import APIRouter

from ..deps import DbSession

router = APIRouter()


@router.get("/daily")
def daily(db: DbSession):  # error: FAP401
    return {}

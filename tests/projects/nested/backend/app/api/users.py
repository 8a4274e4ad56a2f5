from fastapi import APIRouter

from app import crud

router = APIRouter()


@router.get("/users/{user_id}")
async def read_user(user_id: int):
    return crud.get_user(user_id)


@router.get("/rates")
async def rates():
    return crud.current_rates()

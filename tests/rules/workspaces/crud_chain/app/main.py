import asyncio

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from app import crud
from app.crud import slow_report
from app.services import load_profile

app = FastAPI()


def get_db():
    yield Session()


@app.get("/users/{user_id}")
async def read_user(user_id: int, db: Session = Depends(get_db)):
    await asyncio.sleep(0)
    return crud.get_user(db, user_id)  # error: FAP101


@app.get("/profile/{user_id}")
async def profile(user_id: int, db: Session = Depends(get_db)):
    await asyncio.sleep(0)
    return load_profile(db, user_id)  # error: FAP101


@app.get("/report")
async def report():
    await asyncio.sleep(0)
    return slow_report()  # error: FAP103


@app.get("/name/{user_id}")
async def name(user_id: int):
    await asyncio.sleep(0)
    return crud.cached_name(user_id)


@app.get("/offloaded/{user_id}")
async def offloaded(user_id: int, db: Session = Depends(get_db)):
    return await asyncio.to_thread(crud.get_user, db, user_id)


@app.get("/sync/{user_id}")
def sync_user(user_id: int, db: Session = Depends(get_db)):
    return crud.get_user(db, user_id)

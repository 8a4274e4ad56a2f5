import asyncio

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from app.repos.base import BaseRepo, FastSession, Mailer, TrackedSession
from app.repos.users import CachedUserRepo, UserRepo

app = FastAPI()


def get_db():
    yield Session()


@app.get("/users/count")
async def count_users(db: Session = Depends(get_db)):
    repo = UserRepo(db)
    await asyncio.sleep(0)
    return repo.count_all()  # error: FAP101 "count_all", FAP602


@app.get("/users/active")
async def active_users(db: Session = Depends(get_db)):
    repo = UserRepo(db)
    await asyncio.sleep(0)
    return repo.active_count()  # error: FAP101 "count_all → Session.query"


@app.get("/users/{ident}")
async def read_user(ident: int, db: Session = Depends(get_db)):
    repo = UserRepo.for_session(db)
    await asyncio.sleep(0)
    return repo.get(ident)  # error: FAP101


@app.get("/users/{ident}/name")
async def user_name(ident: int, db: Session = Depends(get_db)):
    await asyncio.sleep(0)
    return UserRepo(db).name(ident)


@app.get("/cached/{ident}")
async def cached_user(ident: int, db: Session = Depends(get_db)):
    await asyncio.sleep(0)
    return CachedUserRepo(db).get(ident)


@app.get("/ping")
async def ping(db: Session = Depends(get_db)):
    await asyncio.sleep(0)
    BaseRepo.ping(db)  # error: FAP101
    return {"ok": True}


@app.post("/notify")
async def notify(to: str):
    mailer = Mailer("mail.example.com")  # error: FAP107
    mailer.notify(to, "hello")  # error: FAP107 "sendmail"
    await asyncio.sleep(0)
    return {"ok": True}


@app.get("/tracked")
async def tracked():
    session = TrackedSession()
    await asyncio.sleep(0)
    return session.execute("SELECT 1")  # error: FAP101


@app.get("/fast")
async def fast():
    session = FastSession()
    result = await session.execute("SELECT 1")
    await session.commit()
    return result

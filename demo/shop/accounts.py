"""Account routes: login, registration and notifications."""

import httpx
import redis
import requests
from fastapi import APIRouter
from passlib.context import CryptContext
from starlette.concurrency import run_in_threadpool

router = APIRouter(prefix="/accounts")
pwd_context = CryptContext(schemes=["bcrypt"])
sessions = redis.Redis()
notifier = httpx.AsyncClient()


@router.post("/login")
async def login(username: str, password: str):  # error: FAP201
    stored = sessions.get(f"hash:{username}")  # error: FAP107
    if stored is None or not pwd_context.verify(password, stored):  # error: FAP105
        return {"ok": False}
    return {"ok": True}


@router.post("/notify")
def notify(username: str):
    notifier.post("https://hooks.example.com/accounts", json={"user": username})  # error: FAP202
    return {"queued": True}


@router.get("/avatar/{username}")
def avatar(username: str):
    session = requests.Session()  # error: FAP604
    return session.get(f"https://avatars.example.com/{username}").content


# Look-alikes: these are fine and stay quiet.


@router.post("/register")
async def register(username: str, password: str):
    hashed = await run_in_threadpool(pwd_context.hash, password)  # offloaded
    return {"user": username, "hash": hashed}


@router.post("/notify-async")
async def notify_async(username: str):
    await notifier.post("https://hooks.example.com/accounts", json={"user": username})
    return {"queued": True}

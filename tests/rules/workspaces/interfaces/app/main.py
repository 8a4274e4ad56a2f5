import asyncio

from fastapi import BackgroundTasks, FastAPI

from app.keyvalue import get_key_value
from app.storage import Cache, Notifier, Storage, Unimplemented, get_notifier, get_storage

app = FastAPI()


@app.post("/files/{key}")
async def upload(key: str, body: bytes):
    await asyncio.sleep(0)
    get_storage().put(key, body)  # error: FAP107 "upload → put"
    return {"key": key}


@app.get("/files/{key}")
async def exists(key: str, storage: Storage):
    await asyncio.sleep(0)
    return {"exists": storage.exists(key)}  # one override does I/O, the other does not


@app.post("/cached/{key}")
async def cached(key: str, cache: Cache, job: Unimplemented):
    await asyncio.sleep(0)
    job.run()
    return cache.get(key)


@app.post("/signup")
def signup(email: str, background_tasks: BackgroundTasks, notifier: Notifier):
    background_tasks.add_task(notifier.send, email, "welcome")  # error: FAP501
    get_notifier()
    return {"ok": True}


@app.get("/kv/{key}")
async def read_key(key: str):
    await asyncio.sleep(0)
    store = get_key_value()
    value = store.read(key)  # error: FAP107 "Redis", FAP101 "database"
    return {"value": value, "ttl": store.ttl(key)}  # one backend answers from memory

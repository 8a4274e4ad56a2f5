import asyncio
import hashlib
import importlib
import sqlite3
import subprocess
import sys
import time
import urllib.request

from fastapi import BackgroundTasks, Depends, FastAPI, Request
from starlette.concurrency import run_in_threadpool

from . import plugins
from .helpers import settle_queue

SLEEP_S = 0.06
SLOW_QUERY = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400000) SELECT count(*) FROM c"

app = FastAPI()


@app.middleware("http")
async def audit(request: Request, call_next):
    if request.url.path == "/audited":
        time.sleep(SLEEP_S)  # site: middleware
    return await call_next(request)


async def current_user():
    time.sleep(SLEEP_S)  # site: dependency
    return {"name": "ada"}


async def send_receipt(order: int):
    time.sleep(SLEEP_S)  # site: background


@app.get("/ping")
async def ping():
    return {}


@app.get("/sleep")
async def sleep():
    time.sleep(SLEEP_S)  # site: sleep
    return {"slept": SLEEP_S}


@app.get("/settle")
async def settle():
    settle_queue()  # site: settle-call
    return {}


@app.get("/source")
async def source():
    with open(__file__, encoding="utf-8") as stream:  # site: open
        return {"size": len(stream.read())}


@app.post("/convert")
async def convert():
    subprocess.run([sys.executable, "-c", f"import time; time.sleep({SLEEP_S})"], check=True)  # site: subprocess
    return {"ok": True}


@app.get("/weather")
async def weather(request: Request):
    with urllib.request.urlopen(request.app.state.upstream + "/weather", timeout=5) as response:  # site: http
        return {"status": response.status}


@app.get("/orders")
async def orders():
    connection = sqlite3.connect(":memory:")  # site: db-connect
    try:
        count = connection.execute(SLOW_QUERY).fetchone()[0]  # site: db-query
    finally:
        connection.close()
    return {"count": count}


@app.post("/login")
async def login():
    digest = hashlib.pbkdf2_hmac("sha256", b"secret", b"salt", 300_000)  # site: hash
    return {"ok": len(digest) == 32}


@app.get("/me")
async def me(user=Depends(current_user)):
    return user


@app.get("/audited")
async def audited():
    return {}


@app.post("/checkout")
async def checkout(tasks: BackgroundTasks):
    tasks.add_task(send_receipt, 1)
    return {"queued": True}


# -- blocking that static analysis cannot see ---------------------------------------


@app.get("/dynamic-import")
async def dynamic_import():
    importlib.import_module("time").sleep(SLEEP_S)  # site: importlib
    return {}


@app.get("/getattr")
async def by_name():
    getattr(time, "sle" + "ep")(SLEEP_S)  # site: getattr
    return {}


@app.get("/c-extension")
async def through_c():
    list(map(time.sleep, [SLEEP_S]))  # site: c-extension
    return {}


@app.post("/jobs/{name}")
async def run_job(name: str):
    return {"result": plugins.HANDLERS[name]()}  # site: registry-call


# -- offloaded: nothing may be reported ----------------------------------------------


@app.get("/offload/threadpool")
async def offload_threadpool():
    await run_in_threadpool(time.sleep, SLEEP_S)  # site: offloaded-threadpool
    return {}


@app.get("/offload/to-thread")
async def offload_to_thread():
    await asyncio.to_thread(time.sleep, SLEEP_S)  # site: offloaded-to-thread
    return {}


@app.get("/offload/def")
def offload_def():
    time.sleep(SLEEP_S)  # site: offloaded-def
    return {}


@app.get("/offload/asyncio-sleep")
async def offload_asyncio_sleep():
    await asyncio.sleep(SLEEP_S)  # site: offloaded-asyncio-sleep
    return {}

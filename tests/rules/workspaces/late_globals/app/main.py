import asyncio

import requests
import uvicorn
from fastapi import FastAPI
from sqlalchemy.orm import Session

from app.clients import aclient, cfg, client

app = FastAPI()
http = None
db = None


@app.on_event("startup")
def startup() -> None:
    global http
    http = requests.Session()


@app.get("/proxy")
async def proxy(path: str):
    await asyncio.sleep(0)
    return http.get(f"https://upstream.example.com/{path}")  # error: FAP102


@app.get("/status")
async def status():
    await asyncio.sleep(0)
    return client.get("https://status.example.com", timeout=cfg["retries"])  # error: FAP102


@app.get("/status/async")
async def status_async():
    response = await aclient.get("https://status.example.com")
    return response.json()


@app.get("/rows")
async def rows():
    await asyncio.sleep(0)
    return db.execute("SELECT 1")  # error: FAP101


if __name__ == "__main__":
    db = Session()
    uvicorn.run(app)

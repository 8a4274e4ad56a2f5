import asyncio

from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from app import cache
from app.clients import fetch_async, fetch_json, http, rows

app = FastAPI()


@app.get("/cached/{key}")
async def cached(key: str):
    await asyncio.sleep(0)
    return cache.get(key)  # error: FAP107


@app.get("/remote")
async def remote(url: str):
    data = fetch_json(url)  # error: FAP102
    other = http.post(url)  # error: FAP102
    await asyncio.sleep(0)
    return data, other


# Look-alikes that must stay quiet.


@app.get("/stream")
async def stream():
    await asyncio.sleep(0)
    return StreamingResponse(rows())


@app.get("/async-helper")
async def async_helper(url: str):
    return await fetch_async(url)


@app.get("/offloaded")
async def offloaded(url: str):
    return await asyncio.to_thread(fetch_json, url)

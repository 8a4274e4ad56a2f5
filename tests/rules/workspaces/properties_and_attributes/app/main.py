import asyncio

from fastapi import FastAPI

from app.clients import Holder, Repo, Settings, Weather

app = FastAPI()
weather = Weather("secret")


@app.get("/now")
async def now():
    await asyncio.sleep(0)
    return weather.client.get("/now")  # error: FAP102


@app.get("/base")
async def base():
    await asyncio.sleep(0)
    return weather.http.get("/base")  # error: FAP102


@app.get("/cached")
async def cached():
    await asyncio.sleep(0)
    return weather.session.get("https://example.com")  # error: FAP102


@app.get("/url")
async def url():
    return {"url": weather.base_url.upper()}


@app.get("/async")
async def via_async():
    response = await weather.async_http.get("/now")
    return response.json()


@app.get("/rows/{ident}")
async def rows(ident: int, repo: Repo):
    await asyncio.sleep(0)
    return repo.db.get(dict, ident)  # error: FAP101


@app.get("/settings")
async def settings_http(settings: Settings):
    await asyncio.sleep(0)
    name = settings.name.upper()
    return settings.http.get(f"/{name}")  # error: FAP102


@app.get("/held")
async def held(holder: Holder):
    await asyncio.sleep(0)
    return holder.session.execute("SELECT 1")  # error: FAP101

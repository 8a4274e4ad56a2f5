import asyncio

from fastapi import FastAPI

from app import net
from app.chain import level_one, ping

app = FastAPI()


@app.get("/branches")
async def branches(url: str, kind: str):
    await asyncio.sleep(0)
    net.fetch(url)  # error: FAP102
    net.load(kind, url)  # error: FAP102
    net.with_fallback(url)  # error: FAP102
    net.checked(url)  # error: FAP102
    net.one_arm(url, False)
    net.poll("job-1")  # error: FAP102, FAP103
    net.retry(url)  # error: FAP102
    net.audit("login")
    net.settings("flags")
    net.fresh_settings("flags")  # error: FAP102
    return {"ok": True}


@app.get("/deep")
async def deep(n: int):
    await asyncio.sleep(0)
    ping(n)
    return level_one(n)  # error: FAP103 "deep → level_one → level_two → level_three → level_four → level_five → level_six → time.sleep"

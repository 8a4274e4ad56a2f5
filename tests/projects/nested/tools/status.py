import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/status")
async def status():
    time.sleep(0.5)
    return {"ok": True}

from fastapi import FastAPI

from notes.search import reindex

app = FastAPI()


@app.post("/reindex")
async def trigger_reindex():
    reindex()
    return {"ok": True}

from fastapi import FastAPI

from inventory import store

app = FastAPI()


@app.get("/stock")
async def stock():
    return store.read()

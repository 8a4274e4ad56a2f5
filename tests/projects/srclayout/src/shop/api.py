from fastapi import FastAPI

from shop.db import load_orders

app = FastAPI()


@app.get("/orders")
async def orders():
    return load_orders()

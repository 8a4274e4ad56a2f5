from contextlib import asynccontextmanager

from fastapi import FastAPI

from .vendors import QuoteClient, fetch_rates, site_is_up, warm_up


@asynccontextmanager
async def lifespan(app: FastAPI):
    await warm_up()
    yield


app = FastAPI(lifespan=lifespan)
quotes = QuoteClient("key")


@app.get("/quote")
async def quote(prompt: str):
    return {"answer": await quotes.ask(prompt, "https://llm.example.com")}


@app.post("/check")
async def check(url: str):
    return {"up": await site_is_up(url), "rates": await fetch_rates()}

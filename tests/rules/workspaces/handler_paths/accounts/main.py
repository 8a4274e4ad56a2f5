from fastapi import FastAPI

from .service import Accounts

app = FastAPI()
accounts = Accounts(store=None)


@app.post("/login")
async def login(email: str, password: str):
    return await accounts.sign_in(email, password)


@app.post("/oauth")
async def oauth(email: str):
    return await accounts.sign_up_with_provider(email, "generated")


@app.post("/import")
async def import_archive(folder: str):
    await accounts.import_archive(folder)
    await accounts.probe(folder)
    return await accounts.rotate("a", "b")


@app.get("/fallback")
async def fallback(name: str):
    return await accounts.fallback(name, "x")

import asyncio

from fastapi import Depends, FastAPI

from app.services import CanEdit, IsOwner, Require, UserService

app = FastAPI()


@app.get("/users")
async def users(svc: UserService = Depends()):
    await asyncio.sleep(0)
    return svc.list()  # error: FAP101 "svc.list"


@app.get("/users/plain")
async def users_plain(svc=Depends(UserService)):
    await asyncio.sleep(0)
    return {"label": svc.label(), "rows": svc.list()}  # error: FAP101


@app.post("/articles")
def edit(allowed: bool = Depends(Require([CanEdit()]))):  # error: FAP101 "Require([CanEdit()])"
    return {"allowed": allowed}


@app.get("/articles/mine")
def mine(allowed: bool = Depends(Require([IsOwner()]))):
    return {"allowed": allowed}


class RequireHere:
    """The same, defined in this file."""

    def __init__(self, perms) -> None:
        self.perms = perms

    async def __call__(self) -> bool:
        await asyncio.sleep(0)
        for perm in self.perms:
            perm.refresh()
        return True


class Remote:
    def refresh(self) -> None:
        import requests

        requests.get("https://perms.example.com")


@app.get("/here")
def here(allowed: bool = Depends(RequireHere([Remote()]))):  # error: FAP102
    return {"allowed": allowed}

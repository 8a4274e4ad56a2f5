import time

from fastapi import Depends
from sqlalchemy.orm import Session

from app.routing import Application, SecureRouter, make_router

router = SecureRouter()
reports = make_router("/reports")
app = Application()
PREFIX = "/legacy"


def get_db():
    yield Session()


@router.get("/items")
async def items(db: Session = Depends(get_db)):  # error: FAP201 "is a route"
    return db.execute("SELECT 1").all()  # error: FAP101


@router.secure_get("/secret")
async def secret():  # error: FAP201 "is a route"
    time.sleep(1)  # error: FAP103
    return {}


@reports.get(f"{PREFIX}/daily")
async def daily():  # error: FAP201 "is a route"
    time.sleep(1)  # error: FAP103
    return {}


async def by_hand():  # error: FAP201 "is a route"
    time.sleep(1)  # error: FAP103
    return {}


app.get("/by-hand")(by_hand)


class ItemView:
    def __init__(self, db_factory) -> None:
        self.db_factory = db_factory
        router.add_api_route("/view", self.list, methods=["GET"])

    async def list(self, db: Session = Depends(get_db)):  # error: FAP201 "is a route"
        return db.execute("SELECT 1").all()  # error: FAP101


def helper_with_get(cache: dict):
    return cache.get("/not-a-route")  # a dict's get: no route

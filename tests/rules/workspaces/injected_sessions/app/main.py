import asyncio

from fastapi import Depends, Request
from fastapi_sqlalchemy import db

from app.database import db_session, get_session, provide_session
from app.middleware import app


@provide_session
def user_names(session=None):
    return session.execute("SELECT name FROM users").all()


@app.get("/users/names")
async def users_names():
    await asyncio.sleep(0)
    return user_names()  # error: FAP101


@app.get("/global")
async def global_session():
    await asyncio.sleep(0)
    return db.session.execute("SELECT 1").all()  # error: FAP101


@app.get("/state")
async def state_session(request: Request):
    await asyncio.sleep(0)
    rows = request.state.db.execute("SELECT 1").all()  # error: FAP101
    other = await request.state.adb.execute("SELECT 1")
    return {"rows": rows, "other": other}


@app.get("/factory")
async def factory_session(session=Depends(get_session)):
    await asyncio.sleep(0)
    return session.execute("SELECT 1").all()  # error: FAP101


@app.get("/scoped")
async def scoped():
    await asyncio.sleep(0)
    return db_session.query(dict).all()  # error: FAP101

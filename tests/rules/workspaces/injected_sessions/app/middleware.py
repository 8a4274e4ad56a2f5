from fastapi import FastAPI, Request

from app.database import AsyncSessionLocal, SessionLocal

app = FastAPI()


@app.middleware("http")
async def open_session(request: Request, call_next):
    request.state.db = SessionLocal()
    request.state.adb = AsyncSessionLocal()
    try:
        return await call_next(request)
    finally:
        request.state.db.close()

from fastapi import Depends, FastAPI

from .db import get_async_db
from .routers import items, reports

app = FastAPI()
app.include_router(items.router, prefix="/items")
app.include_router(reports.router, prefix="/reports", dependencies=[Depends(get_async_db)])

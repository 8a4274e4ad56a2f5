from fastapi import Depends, FastAPI
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.service import order_service, split_name

app = FastAPI()


class OrderSchema(BaseModel):
    id: int


class Part(BaseModel):
    text: str


async def get_session():
    yield AsyncSession()


@app.get("/orders")
async def list_orders(page: int = 0, session: AsyncSession = Depends(get_session)):
    results, count = await order_service.list(session, page=page)
    return {
        "items": [OrderSchema.model_validate(result) for result in results],  # error: FAP301
        "count": count,
    }


@app.get("/parts")
async def parts(name: str):
    words, count = split_name(name)  # not from the database
    return {"items": [Part.model_validate({"text": w}) for w in words], "count": count}

"""A Pydantic 1 project: validating row by row is all it can do, so FAP301 stays quiet."""

from fastapi import Depends, FastAPI
from pydantic import BaseModel
from sqlalchemy.orm import Session

from .db import get_db
from .models import Article

app = FastAPI()


class ArticleOut(BaseModel):
    id: int
    title: str

    class Config:
        orm_mode = True


@app.get("/articles")
def list_articles(db: Session = Depends(get_db)):
    return [ArticleOut.from_orm(row) for row in db.query(Article).all()]

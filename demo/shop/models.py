"""Product reviews: Pydantic models that validate more often, or more, than they need to."""

import re
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter
from sqlalchemy import text
from sqlalchemy.orm import Session

from .database import get_db

router = APIRouter(prefix="/reviews")
BANNED_WORDS = ("spam", "scam")
BANNED = re.compile("|".join(BANNED_WORDS), re.IGNORECASE)
REVIEWS_BY_SKU = text("SELECT id, sku, rating FROM reviews WHERE sku = :sku")


def mask_banned(value: str) -> str:
    banned = re.compile("|".join(BANNED_WORDS), re.IGNORECASE)  # error: FAP302
    return banned.sub("***", value)


def mask_banned_fast(value: str) -> str:
    return BANNED.sub("***", value)  # compiled once, at import


Comment = Annotated[str, AfterValidator(mask_banned)]
Caption = Annotated[str, AfterValidator(mask_banned_fast)]


class Photo(BaseModel):
    url: str
    caption: Caption = ""


class ReviewIn(BaseModel):
    sku: str
    rating: int = Field(ge=1, le=5)
    text: Comment
    photos: list[Photo]


class ReviewUpdate(BaseModel):
    text: Caption
    photos: list[Photo] = Field(default_factory=list, max_length=10)


class ReviewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    sku: str
    rating: int


REVIEW_LIST = TypeAdapter(list[ReviewOut])


@router.get("/{sku}")
def reviews_for(sku: str, db: Session = Depends(get_db)):
    rows = db.execute(REVIEWS_BY_SKU, {"sku": sku}).all()
    return [ReviewOut.model_validate(row) for row in rows]  # error: FAP301


@router.post("/")
def create_review(review: ReviewIn):  # error: FAP303
    return {"sku": review.sku, "photos": len(review.photos)}


# Look-alikes: these are fine and stay quiet.


@router.get("/{sku}/all")
def all_reviews_for(sku: str, db: Session = Depends(get_db)):
    return REVIEW_LIST.validate_python(db.execute(REVIEWS_BY_SKU, {"sku": sku}).all())  # one validation


@router.patch("/{review_id}")
def update_review(review_id: int, update: ReviewUpdate):  # at most 10 photos
    return {"id": review_id, "photos": len(update.photos)}

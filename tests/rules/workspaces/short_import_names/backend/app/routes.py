"""The project root is the folder above `backend/`, but the code imports `app.deps`, not `backend.app.deps`."""

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app.db import get_audit_db, get_db
from app.deps import get_current_user, require_member

router = APIRouter()


# One get_db and one get_current_user, named from two files: nothing runs twice.
@router.get("/me")
def me(user=Depends(get_current_user), member=Depends(require_member), db: Session = Depends(get_db)):
    return user


@router.get("/audit")
def audit(user=Depends(get_current_user), audit_db: Session = Depends(get_audit_db)):  # error: FAP401
    return user

from sqlalchemy.orm import Session

from . import crud


def load_profile(db: Session, user_id: int):
    user = crud.get_user(db, user_id)
    return {"user": user, "name": crud.cached_name(user_id)}

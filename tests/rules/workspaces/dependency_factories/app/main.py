from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from app.auth import anyone, require_permission

app = FastAPI()


def get_session():
    yield Session()


@app.delete("/personas/{ident}")
def delete_persona(  # error: FAP401 "get_async_session"
    ident: int,
    user=Depends(require_permission("admin")),
    db: Session = Depends(get_session),
):
    return {"ident": ident}


@app.get("/open/{ident}")
def open_persona(ident: int, user=Depends(anyone()), db: Session = Depends(get_session)):
    return {"ident": ident}

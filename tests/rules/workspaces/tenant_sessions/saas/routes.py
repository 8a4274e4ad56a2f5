from fastapi import APIRouter, Depends
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .db import get_db, get_public_session, get_tenant_session
from .models import Member, Project

router = APIRouter()


def count_admins(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Member).where(Member.admin)).scalar_one()


@router.get("/projects/{project_id}")
def project_detail(project_id: int, session: Session = Depends(get_tenant_session)):
    project = session.get(Project, project_id)
    return {"project": project, "admins": count_admins(session)}  # the tenant's own admins


@router.get("/plans")
def plans(session: Session = Depends(get_public_session)):
    return {"members": count_admins(session)}  # error: FAP602


@router.get("/stats")
def stats(db: Session = Depends(get_db)):
    return {"projects": db.execute(select(func.count()).select_from(Project)).scalar_one()}  # error: FAP602

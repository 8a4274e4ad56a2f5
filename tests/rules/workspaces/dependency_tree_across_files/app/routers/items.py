from fastapi import APIRouter, BackgroundTasks, Depends

from .. import tasks
from ..deps import CurrentUser, DbSession, ReplicaDb, RequireAdmin
from ..services import stats
from ..services.stats import cached_order_counts

router = APIRouter()


@router.get("/report")
def report(db: DbSession, replica: ReplicaDb):  # error: FAP401
    return {}


@router.get("/admin")
def admin(user: CurrentUser, admin=Depends(RequireAdmin())):  # error: FAP402
    return {}


@router.get("/me")
def me(user: CurrentUser, db: DbSession):
    return user


@router.post("/orders")
def create_order(address: str, background_tasks: BackgroundTasks):
    background_tasks.add_task(tasks.send_receipt, address)  # error: FAP501
    background_tasks.add_task(tasks.rebuild_search_index)  # error: FAP502
    background_tasks.add_task(tasks.log_event, "order")
    return {}


@router.get("/stats")
def order_stats(db: DbSession):
    return stats.order_counts(db)  # error: FAP602


@router.get("/stats-cached")
def order_stats_cached(db: DbSession):
    return cached_order_counts(db)


@router.get("/my-orders")
def my_orders(user: CurrentUser, db: DbSession):
    return stats.orders_of(db, user.id)


@router.get("/status-counts")
def status_counts():
    counts = stats.status_counts()  # error: FAP602
    return {"text": stats.label(counts)}

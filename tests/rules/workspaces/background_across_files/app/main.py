from fastapi import BackgroundTasks, FastAPI

from .notify import publish_report
from .worker import refresh_search, send_receipt

app = FastAPI()


@app.post("/orders/{order_id}")
async def close_order(order_id: int, tasks: BackgroundTasks):
    tasks.add_task(publish_report, f"order-{order_id}")  # error: FAP502
    tasks.add_task(send_receipt, order_id)  # error: FAP501
    tasks.add_task(refresh_search, order_id)  # error: FAP501
    return {"ok": True}

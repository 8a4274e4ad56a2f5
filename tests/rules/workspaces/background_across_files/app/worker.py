import dramatiq
from celery import shared_task


@shared_task
def send_receipt(order_id: int) -> None:
    pass


@dramatiq.actor(max_retries=5)
def refresh_search(order_id: int) -> None:
    pass

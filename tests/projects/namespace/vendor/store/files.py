import shutil


def archive(order_id: int) -> str:
    return shutil.make_archive(f"order-{order_id}", "zip", "orders")

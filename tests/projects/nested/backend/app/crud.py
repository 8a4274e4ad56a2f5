import time

from app import vendor


def get_user(user_id: int):
    time.sleep(0.1)
    return {"id": user_id}


def current_rates():
    return vendor.fetch_rates()

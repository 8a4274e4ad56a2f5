import time

SETTLE_S = 0.06


def settle_queue():
    time.sleep(SETTLE_S)  # site: settle-sleep

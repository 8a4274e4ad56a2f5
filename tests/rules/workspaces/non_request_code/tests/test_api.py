import time

import requests


async def test_report():
    time.sleep(0.1)
    requests.get("http://localhost:8000/report")


async def wait_until_ready():
    time.sleep(0.1)

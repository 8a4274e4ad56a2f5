"""Helpers of the lifespan in ``main.py``: quiet when nothing else awaits them."""

import os
import time


async def seed_database():
    """Awaited by the lifespan of another file only."""
    time.sleep(0.5)
    os.makedirs("/var/lib/app", exist_ok=True)


async def warm_caches():
    """Awaited by a route too (``main.warm``): it serves requests."""
    time.sleep(0.5)  # error: FAP103

import time
from contextlib import asynccontextmanager


def make_lifespan():
    @asynccontextmanager
    async def handler(app):
        time.sleep(0.1)  # the lifespan another file builds from this factory
        yield

    return handler

import time

import pytest


@pytest.fixture
async def slow_client():
    time.sleep(0.1)
    yield None

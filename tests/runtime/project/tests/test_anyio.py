import httpx
import pytest

from shop.app import app


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_c_extension():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://shop") as client:
        assert (await client.get("/c-extension")).status_code == 200
        assert (await client.get("/offload/to-thread")).status_code == 200

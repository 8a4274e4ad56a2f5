import httpx
import pytest
import pytest_asyncio

from shop.app import app


@pytest_asyncio.fixture
async def client():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://shop") as client:
        yield client


@pytest.mark.asyncio
async def test_dynamic_import(client):
    assert (await client.get("/dynamic-import")).status_code == 200


@pytest.mark.asyncio
async def test_getattr(client):
    assert (await client.get("/getattr")).status_code == 200


@pytest.mark.asyncio
async def test_sleep_again(client):
    assert (await client.get("/sleep")).status_code == 200


@pytest.mark.asyncio
async def test_offloaded(client):
    for route in ("threadpool", "to-thread", "def", "asyncio-sleep"):
        assert (await client.get(f"/offload/{route}")).status_code == 200

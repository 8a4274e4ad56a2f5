import pytest
from fastapi.testclient import TestClient

from shop.app import app


@pytest.fixture(scope="module")
def client():
    with TestClient(app) as client:
        yield client


def test_sleep(client):
    assert client.get("/sleep").status_code == 200


def test_settle(client):
    assert client.get("/settle").status_code == 200


def test_source(client):
    assert client.get("/source").json()["size"] > 0


def test_convert(client):
    assert client.post("/convert").json() == {"ok": True}


def test_weather(client):
    assert client.get("/weather").json() == {"status": 200}


def test_orders(client):
    assert client.get("/orders").json() == {"count": 400000}


def test_login(client):
    assert client.post("/login").json() == {"ok": True}


def test_me(client):
    assert client.get("/me").json() == {"name": "ada"}


def test_audited(client):
    assert client.get("/audited").status_code == 200


def test_checkout(client):
    assert client.post("/checkout").json() == {"queued": True}


@pytest.mark.parametrize("route", ["threadpool", "to-thread", "def", "asyncio-sleep"])
def test_offloaded(client, route):
    assert client.get(f"/offload/{route}").status_code == 200

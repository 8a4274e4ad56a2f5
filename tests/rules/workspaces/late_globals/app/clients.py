import httpx


def build():
    return httpx.Client(), {"retries": 3}


def build_async() -> tuple[httpx.AsyncClient, dict]:
    return httpx.AsyncClient(), {}


client, cfg = build()  # typed from what ``build`` returns
aclient, _ = build_async()

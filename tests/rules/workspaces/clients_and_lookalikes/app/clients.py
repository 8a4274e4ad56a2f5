import httpx
import redis

cache = redis.Redis()
http = httpx.Client()


def fetch_json(url: str):
    return http.get(url).json()


def rows():
    yield from range(3)
    http.get("https://example.com")


async def fetch_async(url: str):
    async with httpx.AsyncClient() as client:  # error: FAP604 (made per call of a helper /async-helper awaits)
        return (await client.get(url)).json()


def offloads(url: str):
    import asyncio

    return asyncio.to_thread(fetch_json, url)

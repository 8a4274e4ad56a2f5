"""Clients made inside helpers that the routes call: per call is per request."""

import httpx
from openai import AsyncOpenAI


class QuoteClient:
    def __init__(self, api_key: str):
        self.api_key = api_key
        self.http = httpx.AsyncClient()  # kept on the object: made once with it

    async def connect(self):
        self.llm = AsyncOpenAI(api_key=self.api_key)  # kept on the object

    async def ask(self, prompt: str, base_url: str) -> str:
        llm = AsyncOpenAI(api_key=self.api_key, base_url=base_url)  # error: FAP604
        answer = await llm.chat.completions.create(model="m", messages=[{"role": "user", "content": prompt}])
        return answer.choices[0].message.content

    async def shared(self) -> AsyncOpenAI:
        client = AsyncOpenAI(api_key=self.api_key)  # a factory: the caller keeps it
        return client


async def site_is_up(url: str) -> bool:
    async with httpx.AsyncClient(timeout=3) as client:  # error: FAP604
        response = await client.head(url)
    return response.status_code < 400


async def fetch_rates() -> dict:
    return (await httpx.AsyncClient().get("https://rates.example.com")).json()  # error: FAP604


async def make_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url="https://rates.example.com")  # a factory


async def pool_for(key: str, pools: dict) -> httpx.AsyncClient:
    client = pools.get(key) or httpx.AsyncClient()  # falls back, then kept
    pools[key] = client
    return client


async def warm_up() -> None:
    async with httpx.AsyncClient() as client:  # runs in the lifespan only
        await client.get("https://rates.example.com/ping")


def sync_probe(url: str) -> int:
    return httpx.Client().get(url).status_code  # a sync helper: may run in a worker thread

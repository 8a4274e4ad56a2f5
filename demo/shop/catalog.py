"""Product catalogue routes."""

import asyncio
import os
import time
from pathlib import Path

import httpx
import requests
from fastapi import APIRouter, Depends
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from .database import get_db
from .repository import find_products

router = APIRouter(prefix="/products")
IMAGES = Path("/srv/images")
PRICING_URL = "https://pricing.example.com"
pricing = httpx.AsyncClient()  # one client for the application


class Product(BaseModel):
    sku: str
    name: str
    price: float


def price_of(sku: str) -> float:
    response = requests.get(f"{PRICING_URL}/{sku}", timeout=2)
    return response.json()["price"]


@router.get("/{sku}")
async def product(sku: str):
    price = requests.get(f"{PRICING_URL}/{sku}", timeout=2).json()  # error: FAP102
    time.sleep(0.05)  # error: FAP103
    await asyncio.sleep(0)
    return Product(sku=sku, name=sku.title(), price=price["price"])


@router.get("/{sku}/image")
async def product_image(sku: str):
    path = IMAGES / f"{sku}.png"
    if not os.path.exists(path):  # error: FAP104
        return None
    await asyncio.sleep(0)
    return {"bytes": Path(path).read_bytes()}  # error: FAP104


@router.get("/{sku}/quote")
async def quote(sku: str, quantity: int = 1):
    await asyncio.sleep(0)
    return {"total": price_of(sku) * quantity}  # error: FAP102


@router.get("/")
async def list_products(q: str = "", db=Depends(get_db)):  # error: FAP201
    return find_products(db, q)  # error: FAP101


# Look-alikes: these are fine and stay quiet.


@router.get("/{sku}/async-price")
async def async_price(sku: str):
    response = await pricing.get(f"{PRICING_URL}/{sku}")
    return response.json()


@router.get("/{sku}/sync-price")
def sync_price(sku: str):
    return {"price": price_of(sku)}  # a def route runs in the threadpool


@router.get("/{sku}/offloaded")
async def offloaded_price(sku: str):
    return {"price": await run_in_threadpool(price_of, sku)}


@router.get("/{sku}/echo")
async def echo(sku: str):
    return Product(sku=sku.upper(), name=sku, price=0.0)  # cheap: fine on the loop

"""Helpers whose blocking depends on their branches."""

import time

import httpx
import requests

MIRROR = "https://mirror.example.com"
_CACHE: dict = {}
_FRESH: dict = {}


def fetch(url: str):
    if url.startswith("https://"):
        return requests.get(url)
    else:
        return httpx.get(url)  # every arm makes a request


def load(kind: str, url: str):
    match kind:
        case "json":
            return requests.get(url).json()
        case _:
            return requests.get(url).text


def with_fallback(url: str):
    try:
        return requests.get(url)
    except requests.RequestException:
        return requests.get(MIRROR)


def checked(url: str):
    if not url:
        raise ValueError("no url")
    elif url.startswith("ftp:"):
        raise ValueError("no ftp")
    else:
        return requests.get(url)  # the other arms are errors


def one_arm(url: str, remote: bool):
    if remote:
        return requests.get(url)
    else:
        return {"url": url}  # one arm only


def poll(job: str):
    while True:
        response = requests.get(f"https://jobs.example.com/{job}")
        if response.ok:
            return response
        time.sleep(1)


def retry(url: str):
    for _ in range(3):
        try:
            return requests.post(url)
        except requests.RequestException:
            continue
    return None


def seen(key: str) -> bool:
    return requests.get(f"https://dedup.example.com/{key}").ok


def audit(event: str, key: str | None = None) -> None:
    if key is not None and seen(key):  # only when a key is passed
        return
    print(event)


def settings(name: str):
    cached = _CACHE.get(name)
    if cached is not None:
        return cached  # filled once per process
    value = requests.get(f"https://config.example.com/{name}").json()
    _CACHE[name] = value
    return value


def fresh_settings(name: str):
    now = time.monotonic()
    entry = _FRESH.get(name)
    if entry is not None and now - entry[0] < 60:
        return entry[1]  # a cache that expires: it refetches on some requests
    value = requests.get(f"https://config.example.com/{name}").json()
    _FRESH[name] = (now, value)
    return value

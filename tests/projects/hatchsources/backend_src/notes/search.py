import requests


def reindex() -> None:
    requests.post("http://search.internal/reindex", timeout=5)

import json
import urllib.request


def fetch(url, method="GET"):
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as response:
        return json.load(response)


def test_registry(live_server):
    assert fetch(f"{live_server}/jobs/rebuild", "POST") == {"result": "rebuilt"}


def test_offloaded(live_server):
    assert fetch(f"{live_server}/offload/threadpool") == {}
    assert fetch(f"{live_server}/offload/def") == {}

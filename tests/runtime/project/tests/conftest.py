import http.server
import threading
import time

import pytest
import uvicorn

from shop.app import app

UPSTREAM_DELAY_S = 0.06


class SlowUpstream(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(UPSTREAM_DELAY_S)
        body = b'{"sky": "clear"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session", autouse=True)
def upstream():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowUpstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.state.upstream = f"http://127.0.0.1:{server.server_address[1]}"
    yield app.state.upstream
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def live_server():
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, loop="asyncio", log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)

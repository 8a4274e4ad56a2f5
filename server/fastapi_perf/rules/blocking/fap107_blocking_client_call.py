from __future__ import annotations

from .common import BlockingCallRule


class BlockingClientCall(BlockingCallRule):
    """
    ## What it does
    Checks for synchronous database drivers and network clients inside an
    `async def`: `psycopg2`/`psycopg`/`pymysql`/`sqlite3` connections and
    cursors, `pymongo` collections and databases, `redis.Redis` commands,
    `boto3` clients and resources, Elasticsearch's sync client, `smtplib.SMTP`,
    raw `socket` I/O and DNS lookups, and the sync clients of network SDKs:
    Stripe (`stripe.Customer.retrieve`, `StripeClient`), `openai.OpenAI`,
    `anthropic.Anthropic`, Slack's `WebClient`, Twilio, SendGrid, Google
    Cloud clients, `paramiko`, Docker (`docker.from_env()`) and Pusher.
    Clients are recognised by how they were made (`redis.Redis(...)`,
    `boto3.client("s3")`, `MongoClient(...)["db"]`) or annotated (the
    `mypy_boto3_*` stubs), also when they live at module level, in another
    file or in an attribute of a service object; a project subclass of one of
    these classes keeps its kind. Calls reached through sync helpers are
    reported at the call in the coroutine.

    ## Why is this bad?
    Each of these waits for a server with the event loop's thread, so every
    other request waits too. Each has an async counterpart: `asyncpg` or
    `psycopg`'s async connection, `aiosqlite`, `motor`, `redis.asyncio`,
    `aioboto3`, `AsyncElasticsearch`, `aiosmtplib`, `asyncio` streams, the
    SDKs' `*_async` methods and `Async*` clients (`AsyncOpenAI`,
    `AsyncAnthropic`, `AsyncWebClient`).

    ## Example
    ```python
    import redis
    from fastapi import FastAPI

    app = FastAPI()
    cache = redis.Redis()


    @app.get("/counter")
    async def counter():
        return {"hits": cache.incr("hits")}
    ```

    Use instead:
    ```python
    import redis.asyncio as redis
    from fastapi import FastAPI

    app = FastAPI()
    cache = redis.Redis()


    @app.get("/counter")
    async def counter():
        return {"hits": await cache.incr("hits")}
    ```

    ## Fix safety
    No fix is offered: the async client has its own construction and
    lifetime, and driver connections may not be used from another thread
    (`sqlite3` refuses it by default), so offloading is not safe either.

    ## Options
    - `extend-blocking-calls`: more callables to report under this code.

    ## References
    - [redis-py: asyncio](https://redis.readthedocs.io/en/stable/examples/asyncio_examples.html)
    - [Motor](https://motor.readthedocs.io/)
    - [asyncpg](https://magicstack.github.io/asyncpg/)
    """

    code = "FAP107"
    name = "blocking-client-call"
    direct_message = "Synchronous client call `{target}()` blocks the event loop in `async def {function}`"
    summary = "A synchronous database driver or network client call blocks the event loop inside `async def`"

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from ...analysis import (
    BEST_EFFORT,
    BackgroundFacts,
    CallSite,
    Finding,
    RuleContext,
    critical_callable,
    critical_work,
    interface_work,
    retries,
)
from ..base import Category, Rule
from .common import chain_related, chain_text, scheduled_task


class UnqueuedCriticalBackgroundTask(Rule):
    """
    ## What it does
    Checks for `BackgroundTasks.add_task(fn, ...)` (and `BackgroundTask(fn)`
    handed to a response) where `fn` does work that must not be lost and
    nothing retries it: it sends email (`smtplib`, `aiosmtplib`,
    fastapi-mail, SendGrid, SES...), an SMS or push notification (Twilio,
    SNS, Firebase), makes a payment call (Stripe, Braintree), or sends an
    HTTP `POST`/`PUT`/`PATCH`/`DELETE` to another service (a webhook) with
    `requests`, `httpx` or `aiohttp`. Calls are followed into helpers of
    this and other files, as the blocking rules do; a library's callable
    handed over as it is (`add_task(requests.post, url, json=...)`) is
    checked against the same catalogue.

    Also reported: a task-queue task (`@shared_task`, `@celery.task`,
    `@dramatiq.actor`, RQ's `@job`) handed to `add_task`, here or from
    another file. `add_task` calls it in the web process, outside the
    queue: no worker, none of the queue's retries, lost on a restart. The
    message names the call that enqueues it (`.delay(...)` for Celery and
    RQ, `.send(...)` for Dramatiq).

    Not reported: tasks with a retry (a `tenacity`, `backoff` or `stamina`
    decorator, `Retrying`, or a loop around a `try`), and best-effort work
    whose loss costs nothing — tasks and helpers named for logging, metrics,
    telemetry, tracing, analytics, caches or clean-up, and requests to
    telemetry or analytics hosts.

    ## Why is this bad?
    A background task runs inside the web process after the response has
    been sent. If the SMTP server or the webhook's endpoint fails, the
    exception is logged and the work is gone; if the process is restarted
    (a deploy, an autoscaler, a crash), queued tasks are dropped silently.
    The client was already told "done". Measured with
    `python tests/benchmarks/bench_background.py` (FastAPI 0.165, Starlette
    1.10; three runs, the same every time): of 2,000 sign-ups whose email
    task fails 2 % of the time (as a provider's timeouts and 5xx do), all
    2,000 clients got their 200, and 50 emails were never sent, with
    nothing left to retry them; with three attempts none was lost. A
    restart loses every task still pending besides. Lost work is a
    correctness problem that no load test shows, hence the default severity
    *warning*, and a task queue as the advice rather than a retry loop
    alone: only a queue also survives the restart.

    A task queue (Celery, ARQ, Dramatiq, RQ, or a transactional outbox)
    persists the job before the response and retries it with back-off.

    ## Example
    ```python
    import smtplib
    from email.message import EmailMessage

    from fastapi import BackgroundTasks, FastAPI

    app = FastAPI()


    def send_welcome_email(address: str) -> None:
        message = EmailMessage()
        message["To"] = address
        with smtplib.SMTP("mail.example.com") as smtp:
            smtp.send_message(message)


    @app.post("/users")
    def create_user(address: str, background_tasks: BackgroundTasks):
        background_tasks.add_task(send_welcome_email, address)
        return {"ok": True}
    ```

    Use instead:
    ```python
    from celery import Celery
    from fastapi import FastAPI

    app = FastAPI()
    queue = Celery("tasks", broker="redis://localhost")


    @queue.task(autoretry_for=(Exception,), retry_backoff=True)
    def send_welcome_email(address: str) -> None:
        ...


    @app.post("/users")
    def create_user(address: str):
        send_welcome_email.delay(address)
        return {"ok": True}
    ```

    ## Fix safety
    No fix is offered: a task queue is new infrastructure.

    ## Options
    - `extend-critical-calls`: your own callables whose effect must not be
      lost, by qualified name (`"myapp.notify.push"`, `"billing_sdk.*"`), on
      top of the built-in catalogue (`analysis/facts/background.py`). A task that
      reaches one, directly or through helpers, is reported.

    ## References
    - [FastAPI: Background Tasks, caveat](https://fastapi.tiangolo.com/tutorial/background-tasks/#caveat)
    - [Celery: Retrying tasks](https://docs.celeryq.dev/en/stable/userguide/tasks.html#retrying)
    """

    code = "FAP501"
    name = "unqueued-critical-background-task"
    category: ClassVar[Category] = Category.BACKGROUND
    summary = "A background task does work that must not be lost, with no queue and no retry"

    def visit_call(self, call: CallSite, ctx: RuleContext) -> Iterable[Finding]:
        task = scheduled_task(call, ctx)
        if task is None or BEST_EFFORT.search(task.name):
            return
        queue = None if task.library else ctx.task_queue(task.qualname)
        if queue is not None:
            written = ctx.source(task.expr)
            message = (
                f"`{written}` is a {_QUEUES[queue][0]} task, but `add_task` runs it in the web process after the "
                f"response, outside the queue: no worker, no retry, lost if the process restarts; enqueue it with "
                f"`{written}.{_QUEUES[queue][1]}(...)`"
            )
            yield ctx.finding(self.code, call.node, message)
            return
        if task.library:
            what = critical_callable(task.qualname, ctx.module)
            if what is not None:
                target = ctx.display(task.qualname)
                message = (
                    f"Background task `{target}` {what} in the web process after the response, with no retry: "
                    f"if it fails or the process restarts, it is lost; use a task queue"
                )
                yield ctx.finding(self.code, call.node, message)
            return
        if task.local is not None:
            if retries(task.local, ctx.module) or ctx.module.blocking.memoized(task.local):
                return
            work = critical_work(task.local, ctx.module)
        else:
            facts = getattr(getattr(task.remote, "facts", None), "background", None)
            if not isinstance(facts, BackgroundFacts) or facts.retries:
                return
            work = facts.critical
        if work is None:
            work = interface_work(task.qualname, ctx.module)  # an interface: one critical override is enough
        if work is None:
            return
        message = (
            f"Background task `{task.name}` {work.what} (`{chain_text(task, work)}`) in the web process after the "
            f"response, with no retry: if it fails or the process restarts, it is lost; use a task queue"
        )
        yield ctx.finding(self.code, call.node, message, related=chain_related(work, "reaches"))


_QUEUES = {
    "celery": ("Celery", "delay"),
    "dramatiq": ("Dramatiq", "send"),
    "rq": ("RQ", "delay"),
    "huey": ("Huey", "schedule"),
    "taskiq": ("Taskiq", "kiq"),
}
"""A task-queue library: its name, and the method that enqueues one of its tasks."""

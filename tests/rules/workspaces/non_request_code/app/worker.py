"""Async code on private loops and in task-queue workers."""

import asyncio
import time

from celery import shared_task


async def _transcode(path):
    time.sleep(1)  # a loop of its own, in a worker thread


def transcode_in_thread(path):
    return asyncio.run(_transcode(path))


async def offloaded(path):
    await asyncio.to_thread(transcode_in_thread, path)


@shared_task
async def nightly():
    time.sleep(1)


async def shared_with_a_route():
    """Run on a private loop here, and awaited by a route in ``views.py``."""
    time.sleep(1)  # error: FAP103


def run_now():
    asyncio.run(shared_with_a_route())

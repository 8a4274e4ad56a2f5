"""Command-line entry points: they run in a terminal, no request waits for them."""

import asyncio
import time

import click
import typer

from .config import load_settings
from .startup import warm_caches

cli = typer.Typer()


@cli.command()
def rebuild():
    asyncio.run(rebuild_async())


async def rebuild_async():
    time.sleep(1)
    await warm_caches()


@click.group()
def admin():
    pass


@admin.command()
async def purge():
    time.sleep(1)


async def _confirm():
    """Called only from the click command below."""
    time.sleep(1)


@click.command()
def reset():
    asyncio.run(_reset())


async def _reset():
    await _confirm()
    asyncio.run(load_settings().reload())

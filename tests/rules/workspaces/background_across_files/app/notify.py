from .reports import render


async def publish_report(name: str) -> None:
    """An async task of its own file whose blocking work is in a third one."""
    render(name)  # error: FAP104

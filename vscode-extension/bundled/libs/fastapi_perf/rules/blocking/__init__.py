"""Category 1: blocking the event loop inside ``async def``."""

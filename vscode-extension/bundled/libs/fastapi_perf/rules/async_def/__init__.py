"""Category 2: ``def`` versus ``async def``."""

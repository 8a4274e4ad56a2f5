from app.deps import get_limits


async def check_limits(db):
    assert await get_limits(db)

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession


class OrderService:
    async def list(self, session: AsyncSession, *, page: int) -> tuple[list, int]:
        rows = (await session.scalars(select(dict).limit(20).offset(page * 20))).all()
        total = await session.scalar(select(func.count()))
        return list(rows), total or 0


order_service = OrderService()


def split_name(name: str) -> tuple[list[str], int]:
    parts = name.split()
    return parts, len(parts)

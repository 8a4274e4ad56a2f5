"""A permission dependency made by a factory, over one of two user dependencies."""

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession


async def get_async_session():
    yield AsyncSession()


async def optional_user(session: AsyncSession = Depends(get_async_session)):
    return await session.get(dict, 1)


async def current_user(user=Depends(optional_user)):
    return user


async def chat_user(user=Depends(optional_user)):
    return user


def require_permission(name: str, allow_anonymous: bool = False):
    base_user = chat_user if allow_anonymous else current_user

    async def dependency(user=Depends(base_user)):
        if name not in user:
            raise PermissionError(name)
        return user

    return dependency


def anyone():
    def dependency():
        return None  # nothing opened

    return dependency

import asyncio
import time


async def backfill():
    time.sleep(1)


if __name__ == "__main__":
    async def inline():
        time.sleep(1)

    asyncio.run(backfill())

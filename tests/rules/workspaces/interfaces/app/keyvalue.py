"""One interface, two backends that each block their own way."""

from abc import ABC, abstractmethod

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session


class KeyValue(ABC):
    @abstractmethod
    def read(self, key: str) -> bytes | None: ...

    @abstractmethod
    def ttl(self, key: str) -> int: ...


class RedisKeyValue(KeyValue):
    def __init__(self) -> None:
        self.client = redis.Redis()

    def read(self, key: str) -> bytes | None:
        return self.client.get(key)

    def ttl(self, key: str) -> int:
        return self.client.ttl(key)


class TableKeyValue(KeyValue):
    def __init__(self, session: Session) -> None:
        self.session = session

    def read(self, key: str) -> bytes | None:
        return self.session.execute(select(1).where(key == key)).scalar()

    def ttl(self, key: str) -> int:
        return 60  # rows never expire


def get_key_value() -> KeyValue:
    return RedisKeyValue()

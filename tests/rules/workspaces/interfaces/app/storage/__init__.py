"""Interfaces and the factories that hand out an implementation."""

from abc import ABC, abstractmethod
from typing import Protocol


class Storage(ABC):
    @abstractmethod
    def put(self, key: str, data: bytes) -> None: ...

    @abstractmethod
    def exists(self, key: str) -> bool: ...


class Notifier(Protocol):
    def send(self, to: str, body: str) -> None: ...


class Cache(ABC):
    @abstractmethod
    def get(self, key: str) -> bytes | None:
        raise NotImplementedError


class Unimplemented(ABC):
    @abstractmethod
    def run(self) -> None: ...


def get_storage() -> Storage:
    from app.storage.s3 import S3Storage

    return S3Storage()


def get_notifier() -> Notifier:
    from app.notify import EmailNotifier

    return EmailNotifier()

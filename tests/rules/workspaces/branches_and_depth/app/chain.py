"""A long chain of sync helpers across two files: followed to its end."""

from app.deep import level_four


def level_one(n: int) -> int:
    return level_two(n) + 1


def level_two(n: int) -> int:
    return level_three(n) + 1


def level_three(n: int) -> int:
    return level_four(n) + 1


def ping(n: int) -> int:
    return pong(n) if n else 0  # a cycle: no evidence, and no hang


def pong(n: int) -> int:
    return ping(n - 1)

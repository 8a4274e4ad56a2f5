import time


def level_four(n: int) -> int:
    return level_five(n) + 1


def level_five(n: int) -> int:
    return level_six(n) + 1


def level_six(n: int) -> int:
    time.sleep(n)
    return n

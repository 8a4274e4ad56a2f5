"""Jobs looked up by name at run time: static analysis cannot follow the call."""

import time

JOB_S = 0.06


HANDLERS = {}


def register(name):
    """Jobs add themselves to the registry when the module is imported."""

    def add(func):
        HANDLERS[name] = func
        return func

    return add


@register("rebuild")
def rebuild_index():
    time.sleep(JOB_S)  # site: registry
    return "rebuilt"


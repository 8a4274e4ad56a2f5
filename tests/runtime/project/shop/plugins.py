"""Jobs looked up by name at run time: static analysis cannot follow the call."""

import time

JOB_S = 0.06


def rebuild_index():
    time.sleep(JOB_S)  # site: registry
    return "rebuilt"


HANDLERS = {"rebuild": rebuild_index}

# The fixture project's own tests run only under `pytest --fastapi-perf`, in a subprocess.
collect_ignore = ["project"]

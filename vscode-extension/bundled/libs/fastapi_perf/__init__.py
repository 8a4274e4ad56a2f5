"""fastapi-perf: find and fix performance problems in FastAPI code."""

__version__ = "0.1.0"

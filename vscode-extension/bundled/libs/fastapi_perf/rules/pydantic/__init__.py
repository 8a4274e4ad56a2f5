"""Category 3: Pydantic v2 — validation that costs more than it needs to."""

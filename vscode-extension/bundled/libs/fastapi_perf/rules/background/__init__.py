"""Category 5: background work."""

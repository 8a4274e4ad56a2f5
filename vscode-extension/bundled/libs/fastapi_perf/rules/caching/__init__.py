"""Category 6: caching and reuse."""

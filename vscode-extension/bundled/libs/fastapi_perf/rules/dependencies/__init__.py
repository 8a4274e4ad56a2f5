"""Category 4: dependency injection."""

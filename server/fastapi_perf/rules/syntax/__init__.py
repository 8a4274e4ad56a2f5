"""Category 0: code that does not parse."""

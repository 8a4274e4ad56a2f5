"""Data access (synchronous, as many code bases have it)."""


def find_products(query: str) -> list[dict]:
    return [{"sku": query}]

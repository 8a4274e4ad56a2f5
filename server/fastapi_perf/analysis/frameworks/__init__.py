"""Layer 3: the vocabularies of the libraries the rules are about (FastAPI routes and dependencies, Pydantic models)."""

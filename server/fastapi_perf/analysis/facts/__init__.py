"""Layer 4: what code does, per call and per function: blocking, cost, dependencies, background work, aggregates."""

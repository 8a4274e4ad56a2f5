"""Layer 1: from text to syntax facts, one top-level statement at a time (scanner, chunks, extract, facts)."""

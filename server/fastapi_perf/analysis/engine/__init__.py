"""Layer 6: running the rules: their context, the dispatch, fixes, and whole-file and incremental analysis."""

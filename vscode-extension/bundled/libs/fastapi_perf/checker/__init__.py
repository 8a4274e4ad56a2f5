"""The terminal face's machinery: finding files, analysing them in parallel, caching, fixing."""

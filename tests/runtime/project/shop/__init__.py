"""A shop that blocks its event loop in every way the runtime tests look for.

Lines the tests expect in the report carry a ``# site: NAME`` comment.
"""

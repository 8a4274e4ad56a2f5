from .clients import cache as cache

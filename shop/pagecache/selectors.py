"""Reads of the page cache."""

import uuid

from django.core.cache import cache

from shop.pagecache.services import VERSION_KEY


def page_cache_version() -> str:
    """The current data version; a fresh one when the cache lost it (never a fixed fallback)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version

"""Reads of the page cache."""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from shop.pagecache.services import VERSION_KEY

T = TypeVar("T")


def page_cache_version() -> str:
    """The current data version; a fresh one when the cache lost it (never a fixed fallback)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def data_version_cached(name: str, compute: Callable[[], T]) -> T:
    """`compute()`'s value, kept in the cache until the data version changes (any write to a model
    not in SHOP_PAGE_CACHE_IGNORED_MODELS) or SHOP_PAGE_CACHE_SECONDS pass."""
    key = f"pagecache:{page_cache_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.SHOP_PAGE_CACHE_SECONDS or 60)
    return value

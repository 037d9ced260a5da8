"""Reads of the page cache."""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from shop.pagecache.services import VERSION_KEY, page_cache_settle

T = TypeVar("T")


def page_cache_version() -> str | None:
    """The current data version; a fresh one when the cache lost it (never a fixed fallback).

    None when the cache does not answer: then nothing may be read from or kept in it under a
    version (a value kept under None would outlive every edit)."""
    page_cache_settle()
    return version_current(VERSION_KEY, cache.get(VERSION_KEY))


def version_current(key: str, found: str | None) -> str | None:
    """The version at `key` (`found` when it was read), made afresh when missing; None when the
    cache does not answer (django-redis answers a failed add and get with None)."""
    if found is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        found = cache.get(key)
    return found


def data_version_cached(name: str, compute: Callable[[], T]) -> T:
    """`compute()`'s value, kept in the cache until the data version changes (any write to a model
    listed in invalidation.py as ALL_PAGES) or SHOP_PAGE_CACHE_SECONDS pass; computed every time
    while the cache does not answer."""
    version = page_cache_version()
    if version is None:
        return compute()
    key = f"pagecache:{version}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.SHOP_PAGE_CACHE_SECONDS or 60)
    return value

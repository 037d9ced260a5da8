"""Writes of the page cache: invalidation.

Cached pages are keyed by a version kept in the cache itself; bumping it makes every cached page
unreachable at once (they expire by themselves), so an edit is visible on the next request in
this process and within SHOP_PAGE_CACHE_LOCAL_SECONDS in the others (local.py), without knowing
which pages showed the edited object.
"""

import logging
import uuid

from django.core.cache import cache

from shop.pagecache.local import local_pages

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"


def basket_version_key(basket_id: int) -> str:
    return f"pagecache:basket:{basket_id}"


def page_cache_invalidate() -> None:
    """Make every cached page stale: staff changed something an anonymous page may show."""
    local_pages.forget()
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        # A cache that does not answer serves no stale page either: readers fall back to views.
        logger.exception("page cache: could not bump the version")


def page_cache_basket_invalidate(*, basket_id: int) -> None:
    """Make the cached pages of one basket's visitor stale: its lines or vouchers changed."""
    try:
        cache.set(basket_version_key(basket_id), uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.exception("page cache: could not bump basket %s", basket_id)

"""Writes of the page cache: invalidation.

Cached pages are keyed by a version kept in the cache itself; bumping it makes every cached page
unreachable at once (they expire by themselves), so an edit is visible on the next request in
this process and within SHOP_PAGE_CACHE_LOCAL_SECONDS in the others (local.py), without knowing
which pages showed the edited object.

A bump the cache did not take (it was down) is owed: while it is down nothing is read from it
(selectors.page_cache_version() is None), and this process bumps the version as soon as it answers
again (page_cache_settle), so pages and values kept before the outage are not served after it. If
the process ends first, they live out SHOP_PAGE_CACHE_SECONDS.
"""

import logging
import uuid

from django.core.cache import cache

from shop.pagecache.local import local_pages

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"

_owed = False  # this process wrote data but could not bump the version


def basket_version_key(basket_id: int) -> str:
    return f"pagecache:basket:{basket_id}"


def page_cache_invalidate() -> None:
    """Make every cached page stale: staff changed something an anonymous page may show."""
    global _owed
    local_pages.forget()
    _owed = not _version_bump(VERSION_KEY)


def page_cache_basket_invalidate(*, basket_id: int) -> None:
    """Make the cached pages of one basket's visitor stale: its lines or vouchers changed."""
    global _owed
    if not _version_bump(basket_version_key(basket_id)):
        _owed = True  # the data version is in every page's key: bumping it covers the basket


def page_cache_settle() -> None:
    """Pay a bump owed since the cache was down (cheap when none is owed: read before each use)."""
    if _owed:
        page_cache_invalidate()


def _version_bump(key: str) -> bool:
    """True when the cache holds the new version (False: down, or another bump came between)."""
    version = uuid.uuid4().hex
    try:
        cache.set(key, version, timeout=None)
        return cache.get(key) == version
    except Exception:
        # A cache that does not answer serves no stale page either: readers fall back to views.
        logger.exception("page cache: could not bump %s", key)
        return False

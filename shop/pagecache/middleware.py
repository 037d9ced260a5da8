"""Serves GET pages from the cache to visitors whose only state is their basket.

A request goes through the page cache (pages.py) when it is a GET to a path matching
SHOP_PAGE_CACHE_PATHS and carries no cookie but the CSRF one and those in
SHOP_PAGE_CACHE_KEY_COOKIES (the anonymous basket, the recently-viewed history): no session, so
no login, messages, checkout or self-check progress. Such a page depends only on the URL, those
cookies and the data.

Place it right after CsrfViewMiddleware: a hit skips authentication, messages and the basket.
"""

import re
from functools import cached_property

from django.conf import settings

from shop.pagecache.pages import shared_page


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def paths(self):
        return re.compile("|".join(f"(?:{p})" for p in settings.SHOP_PAGE_CACHE_PATHS))

    @cached_property
    def allowed_cookies(self):
        return {settings.CSRF_COOKIE_NAME, *settings.SHOP_PAGE_CACHE_KEY_COOKIES}

    def __call__(self, request):
        if not self._cacheable(request):
            return self.get_response(request)
        return shared_page(request, request.get_full_path(), lambda: self.get_response(request))

    def _cacheable(self, request) -> bool:
        return (
            request.method == "GET"
            and self.allowed_cookies.issuperset(request.COOKIES)
            and self.paths.match(request.path_info) is not None
        )

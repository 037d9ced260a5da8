"""Serves GET pages from the cache to visitors in a state the page is shared by.

A request goes through the page cache (pages.py) when it is a GET to a path matching
SHOP_PAGE_CACHE_PATHS and carries no cookie but the CSRF one and those in
SHOP_PAGE_CACHE_KEY_COOKIES (the anonymous basket, the recently-viewed history): no session, so
no login, messages, checkout or self-check progress. Such a page depends only on the URL, those
cookies and the data. A path in SHOP_PAGE_CACHE_STATES names a function of the request and of the
names of the cookies it carries beyond those (the page cache's own rule, so the app that owns
the state imports nothing of it): it returns the name of the visitor's state when the page is
the same for everyone in it (the self-check's next, unanswered step), or None to have the page
rendered.

Place it right after CsrfViewMiddleware: a hit skips authentication, messages and the basket.
"""

import re
from functools import cached_property

from django.conf import settings
from django.utils.module_loading import import_string

from shop.pagecache.pages import carries_only_key_cookies, cookies_beyond_key, shared_page


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def paths(self):
        return re.compile("|".join(f"(?:{p})" for p in settings.SHOP_PAGE_CACHE_PATHS))

    @cached_property
    def states(self):
        return [
            (re.compile(pattern), import_string(state))
            for pattern, state in settings.SHOP_PAGE_CACHE_STATES.items()
        ]

    def __call__(self, request):
        state = self._state(request) if request.method == "GET" else None
        if state is None:
            return self.get_response(request)
        return shared_page(
            request, f"{state}|{request.get_full_path()}", lambda: self.get_response(request)
        )

    def _state(self, request) -> str | None:
        for pattern, state in self.states:
            if pattern.match(request.path_info):
                return state(request, cookies_beyond_key(request))
        if carries_only_key_cookies(request) and self.paths.match(request.path_info):
            return ""
        return None

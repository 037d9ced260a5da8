"""Serves GET pages from the cache to visitors whose only state is their basket.

A request is served from (and may fill) the cache when it is a GET to a path matching
SHOP_PAGE_CACHE_PATHS and carries no cookie but the CSRF one and those in
SHOP_PAGE_CACHE_KEY_COOKIES (the anonymous basket, the recently-viewed history): no session, so
no login, messages, checkout or self-check progress. Such a page depends only on the URL, those
cookies and the data, so they make the key, and two versions in services.py track the data: one
for everything, one per basket; a page is served only while the versions it was rendered under
are current. Forms in cached pages get each visitor's own CSRF token (see
context_processors.py). A response is stored only when the view neither touched the session, set
a cookie other than SHOP_PAGE_CACHE_REPLAY_COOKIES (replayed as set: for the same key cookies
the view sets the same ones), asked for a CSRF token itself, nor said it must not be cached.

Place it right after CsrfViewMiddleware: a hit skips authentication, messages and the basket.
"""

import hashlib
import logging
import re
import uuid
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.core.signing import BadSignature, Signer
from django.http import HttpResponse
from django.middleware.csrf import get_token

from shop.pagecache.context_processors import PLACEHOLDER
from shop.pagecache.services import VERSION_KEY, basket_version_key

logger = logging.getLogger(__name__)

settings_generation = 0  # bumped when settings change in-process (tests)

_PLACEHOLDER = PLACEHOLDER.encode()
_KEPT_HEADERS = {"content-type", "content-language", "x-frame-options", "vary", "cache-control"}
_CACHEABLE_VARY = {"cookie", "accept-encoding"}


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def paths(self):
        return re.compile("|".join(f"(?:{p})" for p in settings.SHOP_PAGE_CACHE_PATHS))

    def __call__(self, request):
        if not self._cacheable(request):
            return self.get_response(request)
        try:
            key, versions, entry = self._lookup(request)
        except BadSignature:
            return self.get_response(request)
        except Exception:
            logger.exception("page cache: the cache does not answer, serving uncached")
            return self.get_response(request)
        if entry is not None:
            return self._respond(request, entry)

        csrf_pending = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
        request.page_cache_rendering = True
        response = self.get_response(request)
        request.page_cache_rendering = False
        entry = self._entry(request, response, csrf_pending)
        if entry is None:
            return self._with_token(request, response)
        try:
            cache.set(key, (versions, entry), settings.SHOP_PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("page cache: could not store %s", request.path)
        return self._respond(request, entry)

    @cached_property
    def allowed_cookies(self):
        return {settings.CSRF_COOKIE_NAME, *settings.SHOP_PAGE_CACHE_KEY_COOKIES}

    def _cacheable(self, request) -> bool:
        return (
            settings.SHOP_PAGE_CACHE_SECONDS > 0
            and request.method == "GET"
            and self.allowed_cookies.issuperset(request.COOKIES)
            and self.paths.match(request.path_info) is not None
        )

    def _lookup(self, request):
        """(key, data versions, stored page or None) in one round trip to the cache.

        A page is stored with the versions it was rendered under and served only while they
        are current. Raises BadSignature for a basket cookie we did not sign.
        """
        version_keys = [VERSION_KEY]
        basket_cookie = request.COOKIES.get(settings.OSCAR_BASKET_COOKIE_OPEN)
        if basket_cookie:
            version_keys.append(basket_version_key(Signer().unsign(basket_cookie)))
        state = "|".join(
            f"{name}={request.COOKIES.get(name, '')}"
            for name in settings.SHOP_PAGE_CACHE_KEY_COOKIES
        )
        url = f"{settings_generation}|{request.get_host()}|{request.get_full_path()}|{state}"
        key = f"pagecache:page:{hashlib.sha256(url.encode()).hexdigest()}"
        found = cache.get_many([*version_keys, key])
        for version_key in version_keys:
            if version_key not in found:
                # Never a fixed fallback: a page stored under it could outlive an eviction of
                # the version and be served stale.
                cache.add(version_key, uuid.uuid4().hex, timeout=None)
                found[version_key] = cache.get(version_key)
        versions = tuple(found[version_key] for version_key in version_keys)
        stored = found.get(key)
        if stored is not None and stored[0] == versions:
            return key, versions, stored[1]
        return key, versions, None

    def _entry(self, request, response, csrf_pending):
        """What to keep of the response, or None when it must not be shared."""
        if response.status_code != 200 or response.streaming or csrf_pending:
            return None
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return None  # the view put a real token somewhere we cannot see
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return None
        if set(response.cookies) - set(settings.SHOP_PAGE_CACHE_REPLAY_COOKIES):
            return None
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-cache", "no-store")):
            return None
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
        if vary - _CACHEABLE_VARY:
            return None
        headers = [(k, v) for k, v in response.items() if k.lower() in _KEPT_HEADERS]
        cookies = [
            (
                name,
                morsel.value,
                morsel["max-age"] or None,
                morsel["path"],
                morsel["secure"],
                morsel["httponly"],
                morsel["samesite"] or None,
            )
            for name, morsel in response.cookies.items()
        ]
        return response.content, headers, cookies

    def _respond(self, request, entry):
        content, headers, cookies = entry
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        for name, value, max_age, path, secure, httponly, samesite in cookies:
            response.set_cookie(
                name,
                value,
                max_age=max_age,
                path=path or "/",
                secure=bool(secure),
                httponly=bool(httponly),
                samesite=samesite,
            )
        return self._with_token(request, response)

    def _with_token(self, request, response):
        if not response.streaming and _PLACEHOLDER in response.content:
            response.content = response.content.replace(_PLACEHOLDER, get_token(request).encode())
        return response

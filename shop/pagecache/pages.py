"""Shared pages: stored once, served to every visitor in the same state with their own CSRF token.

`shared_page(request, name, render)` is the way in, for the middleware (middleware.py says which
requests are in a shared state and names it). The key is the name, the host and the cookies named
in SHOP_PAGE_CACHE_KEY_COOKIES (the anonymous basket, the recently-viewed history); two versions
in services.py track the data, one for everything and one per basket, and a page is served only
while the versions it was rendered under are current. While `render()` runs, forms get a
placeholder instead of a CSRF token (context_processors.py), replaced by each visitor's own. A
response is stored only when the view neither touched the session, set a cookie other than
SHOP_PAGE_CACHE_REPLAY_COOKIES (replayed as set: for the same key cookies the view sets the same
ones), asked for a CSRF token itself, nor said it must not be stored (`no-store`/`private`),
unless its path is in SHOP_PAGE_CACHE_SERVER_ONLY_PATHS (kept here, never by browsers or proxies).
"""

import hashlib
import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.signing import BadSignature, Signer
from django.http import HttpResponse
from django.middleware.csrf import get_token

from shop.pagecache.context_processors import PLACEHOLDER
from shop.pagecache.local import local_pages
from shop.pagecache.selectors import version_current
from shop.pagecache.services import VERSION_KEY, basket_version_key, page_cache_settle

logger = logging.getLogger(__name__)

settings_generation = 0  # bumped when settings change in-process (tests)

_PLACEHOLDER = PLACEHOLDER.encode()
_KEPT_HEADERS = {
    "content-type",
    "content-language",
    "x-frame-options",
    "vary",
    "cache-control",
    "expires",
    "x-robots-tag",
    "referrer-policy",
}
_CACHEABLE_VARY = {"cookie", "accept-encoding"}


def carries_only_key_cookies(request) -> bool:
    """No cookie but the CSRF one and those in the key: no session, so no login, messages,
    checkout or anything else a page could show of this visitor."""
    return not cookies_beyond_key(request)


def cookies_beyond_key(request) -> set[str]:
    """The names of the request's cookies other than the CSRF one and those in the key."""
    return set(request.COOKIES) - {settings.CSRF_COOKIE_NAME, *settings.SHOP_PAGE_CACHE_KEY_COOKIES}


def shared_page(request, name: str, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The stored page for `name` in this visitor's state, or `render()`'s response, stored."""
    if settings.SHOP_PAGE_CACHE_SECONDS <= 0:
        return render()
    try:
        found = _lookup(request, name)
    except BadSignature:  # a basket cookie we did not sign
        return render()
    except Exception:
        logger.exception("page cache: the cache does not answer, serving uncached")
        return render()
    if found is None:  # the cache does not answer: the view renders, nothing is kept
        return render()
    key, versions, entry = found
    if entry is not None:
        return _respond(request, entry)

    csrf_pending = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
    request.page_cache_rendering = True
    try:
        response = render()
    finally:
        request.page_cache_rendering = False
    entry = _entry(request, response, csrf_pending)
    if entry is None:
        return _with_token(request, response)
    try:
        cache.set(key, (versions, entry), settings.SHOP_PAGE_CACHE_SECONDS)
    except Exception:
        logger.exception("page cache: could not store %s", name)
    else:
        _keep_local(key, versions, entry)
    return _respond(request, entry)


def _lookup(request, name: str):
    """(key, data versions, stored page or None): from this process's copy (local.py), else in
    one round trip to the cache; None when the cache does not answer (no version to trust)."""
    page_cache_settle()
    version_keys = [VERSION_KEY]
    basket_cookie = request.COOKIES.get(settings.OSCAR_BASKET_COOKIE_OPEN)
    if basket_cookie:
        version_keys.append(basket_version_key(int(Signer().unsign(basket_cookie))))
    state = "|".join(
        f"{cookie}={request.COOKIES.get(cookie, '')}"
        for cookie in settings.SHOP_PAGE_CACHE_KEY_COOKIES
    )
    url = f"{settings_generation}|{request.get_host()}|{name}|{state}"
    key = f"pagecache:page:{hashlib.sha256(url.encode()).hexdigest()}"
    if not basket_cookie:
        held = local_pages.get(key, settings.SHOP_PAGE_CACHE_LOCAL_SECONDS)
        if held is not None:
            version, entry = held
            return key, (version,), entry
    found = cache.get_many([*version_keys, key])
    # Never a fixed fallback for a missing version: a page stored under it could outlive an
    # eviction of the version and be served stale.
    current = [version_current(k, found.get(k)) for k in version_keys]
    versions = tuple(version for version in current if version is not None)
    if len(versions) < len(current):
        return None
    if not basket_cookie:
        local_pages.read_version(versions[0])
    stored = found.get(key)
    if stored is not None and stored[0] == versions:
        _keep_local(key, versions, stored[1])
        return key, versions, stored[1]
    return key, versions, None


def _keep_local(key: str, versions: tuple, entry) -> None:
    if len(versions) == 1:  # no basket's version in it (local.py)
        local_pages.put(key, versions[0], entry, settings.SHOP_PAGE_CACHE_SECONDS)


def _entry(request, response, csrf_pending):
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
    if not _server_only(request) and any(
        word in cache_control for word in ("private", "no-cache", "no-store")
    ):
        return None
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if vary - _CACHEABLE_VARY:
        return None
    headers = [(k, v) for k, v in response.items() if k.lower() in _KEPT_HEADERS]
    cookies = [
        (
            cookie,
            morsel.value,
            morsel["max-age"] or None,
            morsel["path"],
            morsel["secure"],
            morsel["httponly"],
            morsel["samesite"] or None,
        )
        for cookie, morsel in response.cookies.items()
    ]
    return response.content, headers, cookies


def _server_only(request) -> bool:
    """Kept here although the page tells browsers and proxies not to keep it (a result)."""
    return any(re.match(p, request.path_info) for p in settings.SHOP_PAGE_CACHE_SERVER_ONLY_PATHS)


def _respond(request, entry):
    content, headers, cookies = entry
    response = HttpResponse(content)
    for header, value in headers:
        response[header] = value
    for cookie, value, max_age, path, secure, httponly, samesite in cookies:
        response.set_cookie(
            cookie,
            value,
            max_age=max_age,
            path=path or "/",
            secure=bool(secure),
            httponly=bool(httponly),
            samesite=samesite,
        )
    return _with_token(request, response)


def _with_token(request, response):
    if not response.streaming and _PLACEHOLDER in response.content:
        response.content = response.content.replace(_PLACEHOLDER, get_token(request).encode())
    return response

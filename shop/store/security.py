"""Who the client is behind our proxies, and the answers the shop gives a refused request
(a rate limit, a login lockout): 429 with Retry-After and a page carrying the message."""

import logging

from django.conf import settings
from django.contrib import messages
from django.shortcuts import render

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    """The client's address as the nearest of our SHOP_TRUSTED_PROXY_COUNT proxies saw it.

    Each proxy appends the address it was connected from to X-Forwarded-For, so with N trusted
    proxies the client is the N-th entry from the right (REMOTE_ADDR being the nearest proxy).
    Entries further left are written by the client and never trusted. With no trusted proxy
    (the default) it is REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.SHOP_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in forwarded.split(",") if part.strip()] + [remote]
    return chain[-(count + 1)] if len(chain) > count else chain[0]


def refused_response(request, *, message: str, retry_after: int, title: str):
    """429 with Retry-After; browsers get a page that carries `message` (and it is also in the
    messages, for pages that show them)."""
    messages.error(request, message)
    response = render(
        request,
        "releaf/refused.html",
        {"title": title, "retry_after_minutes": max(1, -(-retry_after // 60))},
        status=429,
    )
    response["Retry-After"] = str(max(1, int(retry_after)))
    return response


LOGIN_LOCKED_MESSAGE = (
    "Too many failed sign-ins for this account or from this connection. For your security, "
    "please wait {minutes} minutes and try again, or reset your password."
)


def login_lockout_response(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: the customer, dashboard and admin logins answer a
    locked-out attempt with 429, Retry-After (the cool-off) and the same message."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    logger.warning(
        "login refused: locked out",
        extra={"path": request.path, "cooloff_seconds": seconds, "reason": "login_lockout"},
    )
    minutes = max(1, seconds // 60)
    return refused_response(
        request,
        message=LOGIN_LOCKED_MESSAGE.format(minutes=minutes),
        retry_after=seconds,
        title="Please wait a moment",
    )

"""Writes on the basket: applying a discount code, now or once the basket has a line."""

import enum
import logging

from django.conf import settings
from django_ratelimit.core import get_usage
from oscar.apps.basket.signals import voucher_addition
from oscar.core.loading import get_class

from shop.store.security import client_address
from shop.voucher.selectors import code_normalize, voucher_find_usable, voucher_usable

Applicator = get_class("offer.applicator", "Applicator")

logger = logging.getLogger(__name__)

PENDING_CODE_SESSION_KEY = "shop_pending_code"


class CodeResult(enum.Enum):
    APPLIED = "applied"
    ALREADY = "already"
    REFUSED = "refused"
    KEPT = "kept"  # the basket has no line yet; applied when it has one


def _usage(request, *, key, rate: str):
    return get_usage(
        request,
        group=f"shop-code-{key.__name__.strip('_')}",
        key=lambda group, request: key(request),
        rate=rate,
        method=get_usage.ALL,
        increment=True,
    )


def _by_visitor(request) -> str:
    """The visitor: their account, else their session, else their basket's cookie (a guest
    with a basket often has no session, and making one would cost them the page cache)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if request.session.session_key:
        return f"session:{request.session.session_key}"
    basket = request.COOKIES.get(settings.OSCAR_BASKET_COOKIE_OPEN, "")
    return f"basket:{basket}" if basket else ""


def _by_address(request) -> str:
    return client_address(request)


def code_attempt_limited(*, request) -> int:
    """Counts one attempt for this visitor (SHOP_CODE_RATE_LIMIT) and for their client address
    behind our proxies (SHOP_CODE_RATE_LIMIT_PER_ADDRESS, wider: people share addresses); 0
    while both allow it, else the seconds until the fuller bucket empties.

    A visitor with neither account, session nor basket is counted by address only. The counts live in the cache;
    while it does not answer every attempt is let through (RATELIMIT_FAIL_OPEN: django-ratelimit
    then answers None) and logged once."""
    usages = {}
    if _by_visitor(request):
        usages["visitor"] = _usage(request, key=_by_visitor, rate=settings.SHOP_CODE_RATE_LIMIT)
    usages["address"] = _usage(
        request, key=_by_address, rate=settings.SHOP_CODE_RATE_LIMIT_PER_ADDRESS
    )
    if any(usage is None for usage in usages.values()):
        if getattr(settings, "RATELIMIT_ENABLE", True):
            logger.warning(
                "code rate limit: the cache does not answer, attempt let through",
                extra={"rate_limit_group": "shop-code", "rate": settings.SHOP_CODE_RATE_LIMIT},
            )
        return 0
    limited = {by: usage for by, usage in usages.items() if usage["should_limit"]}
    if not limited:
        return 0
    wait = max(1, *(int(usage["time_left"]) for usage in limited.values()))
    logger.warning(
        "code rate limit: attempt refused",
        extra={"rate_limit_group": "shop-code", "by": ",".join(limited), "retry_after": wait},
    )
    return wait


def basket_code_apply(*, request, code: str) -> CodeResult:
    """Apply `code` to the request's basket; keep it in the session while the basket is empty."""
    basket, user = request.basket, request.user
    voucher = voucher_find_usable(code=code, user=user)
    if voucher is None:
        return CodeResult.REFUSED
    if basket.id is None or basket.is_empty:
        request.session[PENDING_CODE_SESSION_KEY] = voucher.code
        return CodeResult.KEPT
    request.session.pop(PENDING_CODE_SESSION_KEY, None)
    if basket.contains_voucher(voucher.code):
        return CodeResult.ALREADY
    basket.vouchers.add(voucher)
    voucher_addition.send(sender=basket_code_apply, basket=basket, voucher=voucher)
    Applicator().apply(basket, user, request)
    if not any(d["voucher"] == voucher for d in basket.offer_applications):
        basket.vouchers.remove(voucher)  # the basket does not qualify
        return CodeResult.REFUSED
    return CodeResult.APPLIED


def basket_pending_code_apply(*, request) -> tuple[str, CodeResult] | None:
    """Apply a code kept by /code/<CODE>/ once the basket has a line; None when nothing waits."""
    code = request.session.get(PENDING_CODE_SESSION_KEY)
    if not code or request.basket.id is None or request.basket.is_empty:
        return None
    request.session.pop(PENDING_CODE_SESSION_KEY, None)
    return code_normalize(code), basket_code_apply(request=request, code=code)


def basket_unusable_codes_remove(*, request) -> list[str]:
    """Take out of the basket every code that can no longer be used (ended, or switched off by
    staff), re-apply the offers and return the codes removed. Oscar keeps showing a suspended
    offer's discount until checkout refuses it."""
    basket, user = request.basket, request.user
    if basket.id is None:
        return []
    removed = [v for v in basket.vouchers.all() if not voucher_usable(voucher=v, user=user)]
    if not removed:
        return []
    basket.vouchers.remove(*removed)
    basket.reset_offer_applications()
    Applicator().apply(basket, user, request)
    logger.info(
        "code removed from a basket: no longer usable",
        extra={"basket_id": basket.id, "codes": [v.code for v in removed]},
    )
    return [v.code for v in removed]

"""Writes on the basket: applying a discount code, now or once the basket has a line."""

import enum
import logging

from django.conf import settings
from django_ratelimit.core import get_usage
from oscar.apps.basket.signals import voucher_addition
from oscar.core.loading import get_class

from shop.voucher.selectors import code_normalize, voucher_find_usable, voucher_usable

Applicator = get_class("offer.applicator", "Applicator")

logger = logging.getLogger(__name__)

PENDING_CODE_SESSION_KEY = "shop_pending_code"


class CodeResult(enum.Enum):
    APPLIED = "applied"
    ALREADY = "already"
    REFUSED = "refused"
    KEPT = "kept"  # the basket has no line yet; applied when it has one


def code_attempt_limited(*, request) -> bool:
    """Counts one attempt for this visitor (IP address); True once over SHOP_CODE_RATE_LIMIT.

    The count lives in the cache; while it does not answer every attempt is let through
    (RATELIMIT_FAIL_OPEN: django-ratelimit then answers None) and logged."""
    usage = get_usage(
        request,
        group="shop-code",
        key="ip",
        rate=settings.SHOP_CODE_RATE_LIMIT,
        method=get_usage.ALL,
        increment=True,
    )
    if usage is not None:
        return usage["should_limit"]
    if getattr(settings, "RATELIMIT_ENABLE", True):
        logger.warning(
            "code rate limit: the cache does not answer, attempt let through",
            extra={"rate_limit_group": "shop-code", "rate": settings.SHOP_CODE_RATE_LIMIT},
        )
    return False


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

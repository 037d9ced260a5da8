"""Reads about discount codes: finding a code as a customer types it, and whether it is usable."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from oscar.core.loading import get_model

ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")
VoucherApplication = get_model("voucher", "VoucherApplication")
OrderDiscount = get_model("order", "OrderDiscount")

# One message for every refusal, so the answer never tells which codes exist.
CODE_REFUSED_MESSAGE = (
    "Sorry, that code can't be used. Check the spelling; a code may also have ended "
    "or already been used on an earlier order."
)


def code_normalize(code: str) -> str:
    """' getInfused ' and 'GET INFUSED' are both 'GETINFUSED' (Oscar stores codes upper case)."""
    return re.sub(r"\s+", "", code or "").upper()


def voucher_used_by_email(*, voucher, email: str) -> bool:
    """True when an order by this email (as a guest or through an account with that email), or
    an account with that email, already used the voucher. Cancelled orders release their use."""
    email = (email or "").strip()
    if not email:
        return False
    return (
        VoucherApplication.objects.filter(voucher=voucher)
        .filter(
            Q(order__guest_email__iexact=email)
            | Q(order__user__email__iexact=email)
            | Q(user__email__iexact=email)
        )
        .exists()
    )


def voucher_usable(*, voucher, user, email: str = "") -> bool:
    """Active now, switched on, and not yet used by this customer (account or email)."""
    if not voucher.is_active():
        return False
    open_offer = getattr(voucher, "has_open_offer", None)  # voucher_find_usable asked already
    if open_offer is None:
        # .all(): the basket's vouchers come with their offers prefetched (shop.offer.applicator)
        open_offer = any(offer.status == ConditionalOffer.OPEN for offer in voucher.offers.all())
    if not open_offer:
        return False  # staff switched it off (suspended the offer)
    available, _ = voucher.is_available_to_user(user=user)
    if not available:
        return False
    if not email and getattr(user, "is_authenticated", False):
        email = user.email
    return not voucher_used_by_email(voucher=voucher, email=email)


def voucher_find_usable(*, code: str, user, email: str = ""):
    """The voucher a customer means by `code`, or None when it cannot be used (for any reason)."""
    # Whether an offer is open comes with the voucher: one query, not two, on every code typed
    # or /code/ link followed.
    open_offers = ConditionalOffer.objects.filter(
        vouchers=OuterRef("pk"), status=ConditionalOffer.OPEN
    )
    voucher = (
        Voucher.objects.filter(code=code_normalize(code))
        .annotate(has_open_offer=Exists(open_offers))
        .first()
    )
    if voucher is None or not voucher_usable(voucher=voucher, user=user, email=email):
        return None
    return voucher


# Orders that took no money, or gave it all back before it was taken, don't count as used.
UNPAID_STATUSES = (settings.SHOP_ORDER_STATUS_PENDING, settings.SHOP_ORDER_STATUS_CANCELLED)


def voucher_is_on(*, voucher) -> bool:
    """Switched on: every offer of the code is open (the dashboard's Active switch)."""
    statuses = [offer.status for offer in voucher.offers.all()]
    return bool(statuses) and all(s == "Open" for s in statuses)


@dataclass(frozen=True)
class Usage:
    orders: int = 0
    discount: Decimal = Decimal("0.00")


def voucher_paid_usage(*, voucher_ids) -> dict[int, Usage]:
    """Per code: how many paid orders used it and the discount they were given (one query).
    Oscar's own counters count placed orders, paid or not."""
    rows = (
        OrderDiscount.objects.filter(voucher_id__in=list(voucher_ids))
        .exclude(order__status__in=UNPAID_STATUSES)
        .values("voucher_id")
        .annotate(orders=Count("order_id", distinct=True), discount=Sum("amount"))
    )
    return {r["voucher_id"]: Usage(orders=r["orders"], discount=r["discount"]) for r in rows}


def voucher_paid_discounts(*, voucher):
    """The code's discounts on paid orders, newest first."""
    return (
        OrderDiscount.objects.filter(voucher_id=voucher.pk)
        .exclude(order__status__in=UNPAID_STATUSES)
        .select_related("order")
        .order_by("-order__date_placed")
    )

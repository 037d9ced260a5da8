"""Reads about discount codes: finding a code as a customer types it, and whether it is usable."""

import re

from django.db.models import Exists, OuterRef, Q
from oscar.core.loading import get_model

ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")
VoucherApplication = get_model("voucher", "VoucherApplication")

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

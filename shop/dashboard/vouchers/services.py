"""Writes of the voucher dashboard: staff switching a code off and on.

Here, not in shop.voucher: it takes the checkout's locks (shop.order.locking), and order placement
reads shop.voucher, so shop.voucher stays below shop.order (pyproject.toml's import contracts)."""

import logging

from oscar.core.loading import get_model

from shop.order.locking import checkout_transaction, holdings_lock

ConditionalOffer = get_model("offer", "ConditionalOffer")

logger = logging.getLogger(__name__)


def voucher_active_set(*, voucher, active: bool, user) -> None:
    """Switch a code on or off by restoring or suspending its offers (Oscar's own switch, the
    one the offer page has). Locked in shop.order.locking's order (code, then offers), as
    placement takes them. Baskets holding the code keep it; while it is off it gives them no
    discount (shop.offer.applicator) and it cannot be entered (voucher_usable)."""

    def write() -> None:
        offer_ids = list(voucher.offers.values_list("pk", flat=True))
        holdings_lock(voucher_ids=[voucher.pk], offer_ids=offer_ids, stockrecord_ids=[])
        status = ConditionalOffer.OPEN if active else ConditionalOffer.SUSPENDED
        for offer in ConditionalOffer.objects.filter(pk__in=offer_ids).exclude(status=status):
            offer.status = status
            offer.save(update_fields=["status"])  # a save: the page cache's receivers see it

    checkout_transaction(write, name="voucher_active_set")
    logger.info(
        "Code %s switched %s",
        voucher.code,
        "on" if active else "off",
        extra={"voucher": voucher.pk, "active": active, "staff": user.pk},
    )

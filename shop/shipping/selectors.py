"""Reads about shipping for the shop's pages: how far a basket is from free shipping."""

from dataclasses import dataclass
from decimal import Decimal

from shop.shipping.models import products_total_for_free_shipping
from shop.shipping.repository import Repository


@dataclass(frozen=True)
class FreeShipping:
    threshold: Decimal  # products from this amount ship free
    remaining: Decimal  # what the basket still needs; 0 once it ships free
    currency: str

    @property
    def reached(self) -> bool:
        return self.remaining <= 0


def free_shipping_for_basket(*, basket) -> FreeShipping | None:
    """The cheapest method's free-shipping line and the basket's distance from it, or None when
    no method offers free shipping."""
    thresholds = [
        method.free_shipping_threshold
        for method in Repository().get_available_shipping_methods(basket)
        if getattr(method, "free_shipping_threshold", None) is not None
    ]
    if not thresholds:
        return None
    threshold = min(thresholds)
    total = products_total_for_free_shipping(basket) if basket.id else Decimal("0.00")
    return FreeShipping(
        threshold=threshold,
        remaining=max(threshold - total, Decimal("0.00")),
        currency=basket.currency,
    )

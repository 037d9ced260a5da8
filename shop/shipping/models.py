"""Overrides oscar.apps.shipping OrderAndItemCharges.calculate: free shipping is judged on the
products before discounts (SHOP_FREE_SHIPPING_BEFORE_DISCOUNTS), so a code never makes shipping
appear. Oscar compares the total after discounts: $58 with $12 off fell under a $50 line."""

from decimal import Decimal as D

from django.conf import settings
from oscar.apps.shipping.abstract_models import AbstractOrderAndItemCharges
from oscar.core import prices


def products_total_for_free_shipping(basket):
    """The amount a method's free-shipping threshold is compared with."""
    if settings.SHOP_FREE_SHIPPING_BEFORE_DISCOUNTS:
        return basket.total_incl_tax_excl_discounts
    return basket.total_incl_tax


class OrderAndItemCharges(AbstractOrderAndItemCharges):
    def calculate(self, basket):
        threshold = self.free_shipping_threshold
        if threshold is not None and products_total_for_free_shipping(basket) >= threshold:
            return prices.Price(currency=basket.currency, excl_tax=D("0.00"), incl_tax=D("0.00"))
        # Below the line before discounts is below it after them too: Oscar charges.
        return super().calculate(basket)


from oscar.apps.shipping.models import *  # noqa: E402,F401,F403

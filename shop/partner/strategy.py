"""Overrides oscar.apps.partner.strategy.Selector: no tax unless SHOP_SALES_TAX_RATE is set."""

from django.conf import settings
from oscar.apps.partner import strategy as oscar_strategy
from oscar.apps.partner.strategy import (
    FixedRateTax,
    StockRequired,
    Structured,
    UseFirstStockRecord,
)


class UserWhenAsked:
    """Oscar's strategies look the user up when they are made, on every request (the basket
    middleware makes one): ours when asked, which neither of them does."""

    def __init__(self, request=None):
        self.request = request

    @property
    def user(self):
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None


class Default(UserWhenAsked, oscar_strategy.Default):
    """Oscar's default: the first stock record, stock required, no tax."""


class SalesTax(UserWhenAsked, UseFirstStockRecord, StockRequired, FixedRateTax, Structured):
    """One flat rate on every product, for a shop registered to collect sales tax."""

    def get_rate(self, product, stockrecord):
        return settings.SHOP_SALES_TAX_RATE


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        if settings.SHOP_SALES_TAX_RATE:
            return SalesTax(request)
        return Default(request)

"""Overrides oscar.apps.partner.strategy.Selector: no tax unless SHOP_SALES_TAX_RATE is set."""

from django.conf import settings
from oscar.apps.partner.strategy import (
    Default,
    FixedRateTax,
    StockRequired,
    Structured,
    UseFirstStockRecord,
)


class SalesTax(UseFirstStockRecord, StockRequired, FixedRateTax, Structured):
    """One flat rate on every product, for a shop registered to collect sales tax."""

    def get_rate(self, product, stockrecord):
        return settings.SHOP_SALES_TAX_RATE


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        if settings.SHOP_SALES_TAX_RATE:
            return SalesTax(request)
        return Default(request)

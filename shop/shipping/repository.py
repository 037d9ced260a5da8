"""Overrides oscar.apps.shipping.repository.Repository: offer the methods staff keep in the dashboard.

The list without an address (basket page, checkout's first pages) comes from the cache under the
data version, which a dashboard edit of a shipping method bumps (shop.pagecache).
"""

from oscar.apps.shipping import repository
from oscar.core.loading import get_model

from shop.pagecache.selectors import data_version_cached

OrderAndItemCharges = get_model("shipping", "OrderAndItemCharges")


def _methods():
    return OrderAndItemCharges.objects.order_by("price_per_order", "pk")


class Repository(repository.Repository):
    def get_available_shipping_methods(self, basket, shipping_addr=None, **kwargs):
        if shipping_addr is None:
            return data_version_cached("shipping_methods", lambda: list(_methods()))
        return list(_methods().filter(countries=shipping_addr.country))

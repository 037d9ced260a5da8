"""Fork of oscar.apps.shipping: the methods come from the database (staff edit them in the dashboard)."""

import oscar.apps.shipping.apps as apps


class ShippingConfig(apps.ShippingConfig):
    name = "shop.shipping"

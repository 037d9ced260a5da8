"""Fork of oscar.apps.order: OrderCreator locks codes and stock and counts with F()."""

import oscar.apps.order.apps as apps


class OrderConfig(apps.OrderConfig):
    name = "shop.order"

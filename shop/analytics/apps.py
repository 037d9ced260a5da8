"""Fork of oscar.apps.analytics: a product page view writes nothing (Oscar UPDATEs a counter per view).

Oscar's receive_product_view increments ProductRecord.num_views inside every product page request:
one write per GET, a hot row every worker contends for, and "database is locked" answers on SQLite
under load. We keep Oscar's other receivers (basket additions, orders, searches): they run on
writes anyway. The dashboard's "most viewed" numbers therefore stay at zero.
"""

import oscar.apps.analytics.apps as apps


class AnalyticsConfig(apps.AnalyticsConfig):
    name = "shop.analytics"

    def ready(self):
        super().ready()
        from oscar.apps.analytics.receivers import receive_product_view
        from oscar.apps.catalogue.signals import product_viewed

        product_viewed.disconnect(receive_product_view)

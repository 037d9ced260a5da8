"""Fork of oscar.apps.analytics: a product page view writes nothing (Oscar UPDATEs a counter per view).

Oscar's receive_product_view increments ProductRecord.num_views inside every product page request:
one write per GET, a hot row every worker contends for, and "database is locked" answers on SQLite
under load. We keep Oscar's other receivers (basket additions, orders, searches): they run on
writes anyway. The dashboard's "most viewed" numbers therefore stay at zero. Searches are
recorded by our receiver, which cuts the query to the column's length (Oscar's: a 500).
"""

import oscar.apps.analytics.apps as apps


class AnalyticsConfig(apps.AnalyticsConfig):
    name = "shop.analytics"

    def ready(self):
        super().ready()
        from oscar.apps.analytics import receivers as oscar_receivers
        from oscar.apps.catalogue.signals import product_viewed
        from oscar.apps.search.signals import user_search

        from shop.analytics.receivers import receive_product_search

        product_viewed.disconnect(oscar_receivers.receive_product_view)
        user_search.disconnect(oscar_receivers.receive_product_search)
        user_search.connect(receive_product_search, dispatch_uid="shop.analytics.search")

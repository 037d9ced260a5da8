"""Fork of oscar.apps.dashboard.catalogue: the product list shows a parent's stock per size."""

import oscar.apps.dashboard.catalogue.apps as apps


class CatalogueDashboardConfig(apps.CatalogueDashboardConfig):
    name = "shop.dashboard.catalogue"

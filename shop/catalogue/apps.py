"""Fork of oscar.apps.catalogue: the product page fetches what it shows up front (views.py)."""

import oscar.apps.catalogue.apps as apps


class CatalogueConfig(apps.CatalogueConfig):
    name = "shop.catalogue"

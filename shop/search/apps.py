"""Fork of oscar.apps.search: the catalogue pages list products from the database."""

import oscar.apps.search.apps as apps


class SearchConfig(apps.SearchConfig):
    name = "shop.search"

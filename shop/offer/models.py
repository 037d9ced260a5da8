"""Overrides oscar.apps.offer's Range, Condition and Benefit: no queries for what cannot have changed.

Oscar applies offers through proxies (`condition.proxy()`, `benefit.proxy()`) built from a copy of
the row's fields, so each proxy fetches its range again, and `Range.contains_product` asks the
database every time: ten or more queries per basket page with GETINFUSED. Proxies keep the range
already fetched, and whether a range contains a product is kept in the cache under the data version
(shop.pagecache), which any edit of ranges, offers, products or categories bumps.
"""

from oscar.apps.offer.abstract_models import AbstractBenefit, AbstractCondition, AbstractRange

from shop.pagecache.selectors import data_version_cached


def _with_range(row, proxy):
    """`row`'s proxy, given the range `row` has fetched (if it has) instead of fetching it again."""
    if proxy is not row and type(row).range.is_cached(row):
        proxy._state.fields_cache["range"] = row.range
    return proxy


class Range(AbstractRange):
    def contains_product(self, product):
        if self.proxy:  # a range class of its own decides for itself
            return super().contains_product(product)
        contains = super().contains_product
        return data_version_cached(
            f"range:{self.pk}:contains:{product.pk}", lambda: contains(product)
        )


class Condition(AbstractCondition):
    def proxy(self):
        return _with_range(self, super().proxy())


class Benefit(AbstractBenefit):
    def proxy(self):
        return _with_range(self, super().proxy())


from oscar.apps.offer.models import *  # noqa: E402,F401,F403

"""Overrides oscar.apps.basket.models.Basket: fetches up front what every basket page reads.

Oscar's all_lines() selects the product and stock record but not the parent product (title, image)
or the product class (stock tracking), and counts the lines with a separate COUNT before it
fetches them: six more queries per line on the basket and checkout pages.
"""

from django.db.models import Prefetch, QuerySet
from oscar.apps.basket.abstract_models import AbstractBasket
from oscar.core.loading import get_model

ProductImage = get_model("catalogue", "ProductImage")


class Basket(AbstractBasket):
    _lines: QuerySet | None  # Oscar's: the lines all_lines() fetched, None until then

    def all_lines(self):
        if self.id is None:
            return super().all_lines()
        if self._lines is None:
            images = ProductImage.objects.order_by("display_order")
            lines = self.lines.select_related(
                "product__product_class",
                "product__parent__product_class",
                "stockrecord",
            ).prefetch_related(
                "attributes",
                "product__stockrecords",
                Prefetch("product__images", queryset=images),
                Prefetch("product__parent__images", queryset=images),
            )
            self._lines = lines.order_by(self._meta.pk.name)
            len(self._lines)  # fetched now: num_lines and is_empty then count the cached rows
        return self._lines


from oscar.apps.basket.models import *  # noqa: E402,F401,F403

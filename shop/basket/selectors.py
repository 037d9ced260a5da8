"""Reads for the basket views."""

from django.urls import reverse
from oscar.core.loading import get_model

from shop.pagecache.selectors import data_version_cached
from shop.store.services import PRODUCT_SLUG

Product = get_model("catalogue", "Product")


def code_landing_url(*, product=None) -> str:
    """Where /code/<CODE>/ sends a visitor without a basket line: the product (the parent of a
    size), else the cream's page, else the catalogue."""
    if product is not None:
        return (product.parent or product).get_absolute_url()
    # Kept under the data version (a product edit changes it): a query per /code/ link otherwise.
    return data_version_cached("code_landing_url", _cream_url)


def _cream_url() -> str:
    cream = Product.objects.filter(slug=PRODUCT_SLUG).first()
    return cream.get_absolute_url() if cream else reverse("catalogue:index")

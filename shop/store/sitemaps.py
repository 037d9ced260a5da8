"""sitemap.xml (django.contrib.sitemaps): home, techniques, catalogue, products, flat pages.
Results, checkout, basket and accounts are never listed (robots.txt disallows them too)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.flatpages.sitemaps import FlatPageSitemap
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from oscar.core.loading import get_model

from guidance.models import Technique

Product = get_model("catalogue", "Product")
PROTOCOL = urlsplit(settings.SITE_URL).scheme or "https"


class PagesSitemap(Sitemap):
    protocol = PROTOCOL

    def items(self):
        return ["home", "guidance:techniques", "catalogue:index"]

    def location(self, item):
        return reverse(item)


class TechniqueSitemap(Sitemap):
    protocol = PROTOCOL

    def items(self):
        return Technique.objects.order_by("order", "pk")

    def location(self, item):
        return reverse("guidance:technique", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class ProductSitemap(Sitemap):
    protocol = PROTOCOL

    def items(self):
        # A size is a choice on its parent's page, not a page of its own.
        return Product.objects.browsable().filter(is_public=True).order_by("pk")

    def lastmod(self, item):
        return item.date_updated


class ShopFlatPageSitemap(FlatPageSitemap):
    protocol = PROTOCOL


SITEMAPS = {
    "pages": PagesSitemap,
    "techniques": TechniqueSitemap,
    "products": ProductSitemap,
    "flatpages": ShopFlatPageSitemap,
}

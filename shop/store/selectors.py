from django.db.models import Prefetch, QuerySet
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")


def browsable_products(*, categories=None) -> QuerySet:
    """Public parent and standalone products, with what the product cards render fetched up front."""
    products = Product.objects.browsable().filter(is_public=True)
    if categories is not None:
        products = products.filter(categories__in=categories).distinct()
    return (
        products.select_related("product_class")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order")),
            "stockrecords",
            Prefetch("children", queryset=Product.objects.prefetch_related("stockrecords")),
        )
        .order_by("title", "pk")
    )

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from oscar.core.loading import get_model

Option = get_model("catalogue", "Option")
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
        .annotate(  # read by Product.has_options instead of two queries per card
            has_product_class_options=Exists(
                Option.objects.filter(productclass=OuterRef("product_class"))
            ),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order")),
            "stockrecords",
            Prefetch(  # read by the pricing strategy through Product.get_public_children
                "children",
                queryset=Product.objects.public().prefetch_related("stockrecords"),
                to_attr="_prefetched_public_children",
            ),
        )
        .order_by("title", "pk")
    )

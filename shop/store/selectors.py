from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from oscar.core.loading import get_model

Option = get_model("catalogue", "Option")
Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")


def _with_has_options(products: QuerySet) -> QuerySet:
    """Annotations Product.has_options reads instead of querying per product."""
    return products.annotate(
        has_product_class_options=Exists(
            Option.objects.filter(productclass=OuterRef("product_class"))
        ),
        has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
    )


def products_for_detail() -> QuerySet:
    """Products for their own page, with what the page, pricing and basket form read."""
    children = (
        Product.objects.public().select_related("product_class").prefetch_related("stockrecords")
    )
    return (
        _with_has_options(Product.objects.select_related("product_class", "parent__product_class"))
        .prefetch_browsable_categories()
        .prefetch_related(
            # Not the product's own stock records: a parent has none, and a standalone
            # product's pricing reads them with one query either way.
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order")),
            Prefetch("children", queryset=children, to_attr="_prefetched_public_children"),
        )
    )


def browsable_products(*, categories=None) -> QuerySet:
    """Public parent and standalone products, with what the product cards render fetched up front."""
    products = Product.objects.browsable().filter(is_public=True)
    if categories is not None:
        products = products.filter(categories__in=categories).distinct()
    return (
        _with_has_options(products.select_related("product_class"))
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

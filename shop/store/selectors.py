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


# The product page's "Details", staff-edited as product attributes (Dashboard > Catalogue >
# Products > Attributes); a detail is shown only when it is filled.
PRODUCT_DETAILS = (
    ("ingredients", "Ingredients (INCI)"),
    ("net_weight", "Net weight"),
    ("how_to_use", "How to use"),
    ("warnings", "Warnings"),
)


def product_details(*, product) -> list[tuple[str, list[str]]]:
    """(label, values) for each filled detail, in one query: the product's own values, then its
    sizes' (a net weight per size), each value once."""
    ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
    products = [product, *product.get_public_children()] if product.is_parent else [product]
    values = (
        ProductAttributeValue.objects.filter(
            product__in=products, attribute__code__in=[code for code, _ in PRODUCT_DETAILS]
        )
        .select_related("attribute")
        .order_by("product__title", "pk")
    )
    found: dict[str, list[str]] = {}
    for value in values:
        text = str(value.value or "").strip()
        if text and text not in found.setdefault(value.attribute.code, []):
            found[value.attribute.code].append(text)
    return [(label, found[code]) for code, label in PRODUCT_DETAILS if found.get(code)]

"""Bench data: the store from store_setup plus generated products, to an exact catalogue size."""

from decimal import Decimal

from django.core.files.storage import default_storage
from django.db import transaction
from oscar.core.loading import get_model

from shop.store.services import CATEGORY_PATH, PRODUCT_IMAGE, PRODUCT_SLUG, store_setup

Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

GENERATED_UPC_PREFIX = "BENCH-"
# The purchase row buys a few hundred jars a minute: store_setup's 200 per size would sell out
# within seconds and the row would measure "sold out" instead of purchases.
CREAM_STOCK = 1_000_000


@transaction.atomic
def bench_catalogue_set(*, products: int) -> int:
    """Make the catalogue list exactly `products` products: the cream plus generated ones.

    Generated products are standalone, priced, in stock, in the cream's category and share its
    image, so each catalogue card costs what a real one does. Returns how many were generated.
    """
    cream = store_setup()
    wanted = max(products - 1, 0)
    generated = Product.objects.filter(upc__startswith=GENERATED_UPC_PREFIX)
    have = generated.count()
    if have > wanted:
        surplus = generated.order_by("-upc").values_list("pk", flat=True)[: have - wanted]
        Product.objects.filter(pk__in=list(surplus)).delete()
    elif have < wanted:
        _products_generate(cream, start=have, count=wanted - have)
    _image_file_ensure(cream)
    return wanted


def bench_cream_stock_set() -> None:
    """Give each size of the cream CREAM_STOCK in stock (allocations are left as they are, so
    they still match the orders that hold them)."""
    StockRecord.objects.filter(
        product__parent__slug=PRODUCT_SLUG, num_in_stock__lt=CREAM_STOCK
    ).update(num_in_stock=CREAM_STOCK)


def _image_file_ensure(cream) -> None:
    """Oscar deletes an image's file with its row: deleting generated products took the shared one."""
    image = cream.images.first()
    if image is not None and not default_storage.exists(image.original.name):
        with PRODUCT_IMAGE.open("rb") as source:
            default_storage.save(image.original.name, source)


def _products_generate(cream, *, start: int, count: int) -> None:
    partner = Partner.objects.get(code="releaf")
    category = Category.objects.get(name=CATEGORY_PATH)
    image = cream.images.first()
    upcs = [f"{GENERATED_UPC_PREFIX}{number:05d}" for number in range(start, start + count)]
    Product.objects.bulk_create(
        Product(
            structure=Product.STANDALONE,
            product_class=cream.product_class,
            title=f"Sample product {upc[len(GENERATED_UPC_PREFIX) :]}",  # after the cream
            slug=upc.lower(),
            upc=upc,
            description="A generated product for the bench.",
        )
        for upc in upcs
    )
    made = list(Product.objects.filter(upc__in=upcs))
    StockRecord.objects.bulk_create(
        StockRecord(
            product=product,
            partner=partner,
            partner_sku=product.upc,
            price_currency="USD",
            price=Decimal("20.00") + product.pk % 50,
            num_in_stock=1000,
        )
        for product in made
    )
    ProductCategory.objects.bulk_create(
        ProductCategory(product=product, category=category) for product in made
    )
    if image is not None:
        ProductImage.objects.bulk_create(
            ProductImage(product=product, original=image.original.name, display_order=0)
            for product in made
        )

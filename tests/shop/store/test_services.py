from decimal import Decimal

from django.core.management import call_command
from oscar.core.loading import get_model

from shop.store.services import store_setup

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Voucher = get_model("voucher", "Voucher")
OrderAndItemCharges = get_model("shipping", "OrderAndItemCharges")


def test_store_setup_loads_the_cream_in_two_sizes(store):
    assert store.slug == "infused-releaf"
    assert store.is_parent
    assert store.primary_image().original.name.endswith(".png")
    prices = {
        r.product.upc: (r.price, r.price_currency, r.num_in_stock)
        for r in StockRecord.objects.select_related("product")
    }
    assert prices == {
        "RELEAF-2OZ": (Decimal("34.00"), "USD", 200),
        "RELEAF-4OZ": (Decimal("58.00"), "USD", 200),
    }
    assert [c.upc for c in store.children.order_by("upc")] == ["RELEAF-2OZ", "RELEAF-4OZ"]


def test_store_setup_loads_shipping_and_the_voucher(store):
    standard = OrderAndItemCharges.objects.get()
    assert (standard.price_per_order, standard.free_shipping_threshold) == (
        Decimal("5.95"),
        Decimal("50.00"),
    )
    assert list(standard.countries.values_list("iso_3166_1_a2", flat=True)) == ["US"]
    voucher = Voucher.objects.get()
    assert (voucher.code, voucher.usage) == ("GETINFUSED", Voucher.ONCE_PER_CUSTOMER)
    benefit = voucher.offers.get().benefit
    assert (benefit.type, benefit.value) == ("Absolute", Decimal("12.00"))


def test_product_copy_makes_no_drug_claims(store):
    copy = (store.description + store.meta_description).lower()
    for claim in ("eraser", "cure", "heal", "relieves pain", "treat"):
        assert claim not in copy
    assert "glide" in copy and "thumbs" in copy


def test_running_it_again_creates_nothing_and_keeps_staff_edits(store):
    record = StockRecord.objects.get(product__upc="RELEAF-2OZ")
    record.price, record.num_in_stock = Decimal("30.00"), 7
    record.save(update_fields=["price", "num_in_stock"])
    counts = (Product.objects.count(), StockRecord.objects.count(), Voucher.objects.count())

    call_command("store_setup", stdout=open("/dev/null", "w"))
    store_setup()

    assert (Product.objects.count(), StockRecord.objects.count(), Voucher.objects.count()) == counts
    record.refresh_from_db()
    assert (record.price, record.num_in_stock) == (Decimal("30.00"), 7)

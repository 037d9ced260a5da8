"""shop.offer: offers and range membership come from the cache, and staff edits show at once."""

from decimal import Decimal

from oscar.core.loading import get_model
from oscar.test.factories import create_offer

from tests.helpers.checkout import discount_of, open_basket

Product = get_model("catalogue", "Product")
Voucher = get_model("voucher", "Voucher")


def _basket_page(client) -> str:
    return client.get("/basket/").content.decode()


def _with_code(client, small_jar):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    client.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
    assert discount_of(open_basket()) == Decimal("12.00")
    assert "$22.00" in _basket_page(client)  # $34 - $12, the range answer now in the cache


def test_excluding_the_jar_from_the_codes_range_ends_its_discount(client, small_jar):
    _with_code(client, small_jar)
    code_range = Voucher.objects.get(code="GETINFUSED").offers.get().benefit.range
    code_range.excluded_products.add(small_jar)

    assert discount_of(open_basket()) == Decimal("0.00")
    page = _basket_page(client)
    assert "$22.00" not in page
    assert "$34.00" in page


def test_a_site_offer_staff_create_applies_on_the_next_request(client, small_jar):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    assert discount_of(open_basket()) == Decimal("0.00")
    _basket_page(client)  # the (empty) list of site offers is now in the cache

    create_offer(name="Winter sale")  # Oscar's factory: 20 % off everything, a site offer

    assert discount_of(open_basket()) == Decimal("6.80")
    assert "$27.20" in _basket_page(client)


def test_a_suspended_site_offer_stops_at_once(client, small_jar):
    offer = create_offer(name="Winter sale")
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    assert "$27.20" in _basket_page(client)

    offer.suspend()

    assert discount_of(open_basket()) == Decimal("0.00")
    assert "$27.20" not in _basket_page(client)

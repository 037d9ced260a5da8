"""Free shipping is judged on the products before discounts, and every page says how far it is."""

from decimal import Decimal

import pytest
from django.test import override_settings

from tests.helpers.checkout import open_basket


def add(client, product, quantity=1):
    return client.post(f"/basket/add/{product.pk}/", {"quantity": quantity})


def enter_code(client, code="GETINFUSED"):
    return client.post("/basket/vouchers/add/", {"code": code}, follow=True)


def shipping_and_total(client):
    response = client.get("/basket/")
    return response.context["shipping_charge"].incl_tax, response.context["order_total"].incl_tax


def test_the_code_never_makes_shipping_appear(client, large_jar):
    add(client, large_jar)
    assert shipping_and_total(client) == (Decimal("0.00"), Decimal("58.00"))
    enter_code(client)
    assert open_basket().total_incl_tax == Decimal("46.00")
    assert shipping_and_total(client) == (Decimal("0.00"), Decimal("46.00"))
    page = client.get("/basket/").content.decode()
    assert "Your order ships free." in page
    assert "counts your products before the code" in page


@override_settings(SHOP_FREE_SHIPPING_BEFORE_DISCOUNTS=False)
def test_the_setting_off_keeps_oscars_rule(client, large_jar):
    add(client, large_jar)
    enter_code(client)
    assert shipping_and_total(client) == (Decimal("5.95"), Decimal("51.95"))


def test_below_the_line_the_basket_says_how_much_more(client, small_jar):
    add(client, small_jar)
    assert shipping_and_total(client) == (Decimal("5.95"), Decimal("39.95"))
    assert "Add $16.00 more for free shipping." in client.get("/basket/").content.decode()
    enter_code(client)
    # $34.00 of products, $22.00 after the code: still $16.00 from the line, shipping unchanged
    assert shipping_and_total(client) == (Decimal("5.95"), Decimal("27.95"))
    assert "Add $16.00 more for free shipping." in client.get("/basket/").content.decode()


def test_two_small_jars_with_the_code_ship_free(client, small_jar):
    add(client, small_jar, 2)
    enter_code(client)
    assert shipping_and_total(client) == (Decimal("0.00"), Decimal("56.00"))


def test_product_page_says_it_and_names_the_code(client, store, small_jar):
    page = client.get(store.get_absolute_url()).content.decode()
    assert "Free shipping when your products come to $50.00 or more." in page
    assert "GETINFUSED" in page
    add(client, small_jar)
    page = client.get(store.get_absolute_url()).content.decode()
    assert "Add $16.00 more for free shipping." in page


@pytest.mark.django_db
def test_checkout_says_it(client, small_jar):
    add(client, small_jar)
    client.post("/checkout/", {"username": "ann@example.com", "options": "anonymous"})
    page = client.get("/checkout/shipping-address/").content.decode()
    assert "Add $16.00 more for free shipping." in page

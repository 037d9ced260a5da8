"""GETINFUSED through the basket form and the /code/<CODE>/ link."""

import datetime
import logging
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from config.logging_format import KeyValueFormatter
from shop.basket.views import RATE_LIMITED_MESSAGE
from shop.voucher.selectors import CODE_REFUSED_MESSAGE
from tests.helpers.checkout import discount_of, messages_of, open_basket

ConditionalOffer = get_model("offer", "ConditionalOffer")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Voucher = get_model("voucher", "Voucher")
VoucherApplication = get_model("voucher", "VoucherApplication")


def add(client, product, quantity=1):
    return client.post(f"/basket/add/{product.pk}/", {"quantity": quantity})


def enter_code(client, code):
    return client.post("/basket/vouchers/add/", {"code": code}, follow=True)


@pytest.mark.parametrize("typed", ["GETINFUSED", " getinfused ", "Get Infused", "\tgetINFUSED\n"])
def test_code_is_case_and_space_insensitive(client, small_jar, typed):
    add(client, small_jar)
    response = enter_code(client, typed)
    assert messages_of(response)[-1] == "Code GETINFUSED applied: the discount is in your cart."
    basket = open_basket()
    assert [v.code for v in basket.vouchers.all()] == ["GETINFUSED"]
    assert basket.total_excl_tax_excl_discounts == Decimal("34.00")
    assert discount_of(basket) == Decimal("12.00")
    assert basket.total_excl_tax == Decimal("22.00")
    assert "GETINFUSED" in response.content.decode()


def test_discount_never_takes_the_products_below_zero_nor_touches_shipping(client, small_jar):
    StockRecord.objects.filter(product=small_jar).update(price=Decimal("7.50"))
    add(client, small_jar)
    enter_code(client, "GETINFUSED")
    basket = open_basket()
    assert discount_of(basket) == Decimal("7.50")
    assert basket.total_excl_tax == Decimal("0.00")
    page = client.get("/basket/").content.decode()
    assert "$5.95" in page  # shipping is still charged in full


@pytest.mark.parametrize(
    "spoil",
    [
        "unknown",
        "expired",
        "not_started",
        "switched_off",
    ],
)
def test_unusable_codes_get_one_message(client, small_jar, spoil):
    voucher = Voucher.objects.get(code="GETINFUSED")
    code = "GETINFUSED"
    if spoil == "unknown":
        code = "GETINFUSEDX"
    elif spoil == "expired":
        voucher.end_datetime = timezone.now() - datetime.timedelta(minutes=1)
        voucher.save()
    elif spoil == "not_started":
        voucher.start_datetime = timezone.now() + datetime.timedelta(days=1)
        voucher.save()
    else:
        offer = voucher.offers.get()
        offer.suspend()
    add(client, small_jar)
    response = enter_code(client, code)
    assert messages_of(response)[-1] == CODE_REFUSED_MESSAGE
    assert open_basket().vouchers.count() == 0
    assert discount_of(open_basket()) == Decimal("0.00")


def test_an_account_that_used_the_code_gets_the_same_message(client, small_jar):
    user = get_user_model().objects.create_user("ann", "ann@example.com", "pw")
    from oscar.test.factories import create_order

    order = create_order(user=user)
    VoucherApplication.objects.create(
        voucher=Voucher.objects.get(code="GETINFUSED"), user=user, order=order
    )
    client.force_login(user)
    add(client, small_jar)
    response = enter_code(client, "GETINFUSED")
    assert messages_of(response)[-1] == CODE_REFUSED_MESSAGE
    assert open_basket(owner=user).vouchers.count() == 0


def test_an_account_whose_email_used_the_code_as_a_guest_gets_the_same_message(client, small_jar):
    from oscar.test.factories import create_order

    order = create_order(guest_email="Ann@Example.com")
    VoucherApplication.objects.create(voucher=Voucher.objects.get(code="GETINFUSED"), order=order)
    user = get_user_model().objects.create_user("ann", "ann@example.com", "pw")
    client.force_login(user)
    add(client, small_jar)
    assert messages_of(enter_code(client, "GETINFUSED"))[-1] == CODE_REFUSED_MESSAGE


def test_attempts_are_rate_limited_with_a_message(client, small_jar, settings):
    settings.SHOP_CODE_RATE_LIMIT = "3/m"
    add(client, small_jar)
    answers = [messages_of(enter_code(client, f"WRONG{i}"))[-1] for i in range(3)]
    assert answers == [CODE_REFUSED_MESSAGE] * 3
    response = enter_code(client, "GETINFUSED")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert messages_of(response)[-1] == RATE_LIMITED_MESSAGE
    assert RATE_LIMITED_MESSAGE.replace("'", "&#x27;") in response.content.decode()
    assert open_basket().vouchers.count() == 0
    response = client.get("/code/GETINFUSED/")
    assert (response.status_code, messages_of(response)[-1]) == (429, RATE_LIMITED_MESSAGE)


def test_a_rate_limited_attempt_is_one_line_without_the_address(small_jar, settings, caplog):
    settings.SHOP_CODE_RATE_LIMIT = "2/m"
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    add(visitor, small_jar)
    with caplog.at_level(logging.INFO, logger="shop.basket"):
        statuses = [enter_code(visitor, f"WRONG{i}").status_code for i in range(3)]
    assert statuses == [200, 200, 429]
    [line] = [r for r in caplog.records if r.name == "shop.basket.services"]
    assert (line.levelname, line.getMessage(), line.rate_limit_group, line.by) == (
        "WARNING",
        "code rate limit: attempt refused",
        "shop-code",
        "visitor",
    )
    assert 1 <= line.retry_after <= 60
    text = KeyValueFormatter().format(line)
    assert "203.0.113" not in text
    assert visitor.session.session_key not in text


def test_an_address_over_its_limit_is_logged_by_address(small_jar, settings, caplog):
    settings.SHOP_CODE_RATE_LIMIT_PER_ADDRESS = "2/m"
    with caplog.at_level(logging.INFO, logger="shop.basket"):
        statuses = [Client().get(f"/code/WRONG{i}/").status_code for i in range(3)]
    assert statuses == [302, 302, 429]  # fresh sessions, one address (127.0.0.1)
    [line] = [r for r in caplog.records if r.name == "shop.basket.services"]
    assert (line.by, line.rate_limit_group) == ("address", "shop-code")


def test_one_client_behind_the_proxy_cannot_use_up_the_code_for_another(small_jar, settings):
    """Both customers reach us through one load balancer (REMOTE_ADDR 10.0.0.2), which says who
    they are in X-Forwarded-For; the first one's wrong codes refuse only them."""
    settings.SHOP_TRUSTED_PROXY_COUNT = 1
    settings.SHOP_CODE_RATE_LIMIT = "3/m"
    settings.SHOP_CODE_RATE_LIMIT_PER_ADDRESS = "5/m"
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    guesser = Client(HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    customer = Client(HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)
    add(guesser, small_jar)
    statuses = [enter_code(guesser, f"WRONG{i}").status_code for i in range(11)]
    assert statuses == [200] * 3 + [429] * 8
    # a fresh session from the same address: still refused, by address (5 a minute)
    spoofer = Client(HTTP_X_FORWARDED_FOR="198.51.100.20, 203.0.113.7", **proxy)
    assert spoofer.get("/code/WRONG/").status_code == 429  # the left entry is the client's own
    add(customer, small_jar)
    response = enter_code(customer, "GETINFUSED")
    assert messages_of(response)[-1] == "Code GETINFUSED applied: the discount is in your cart."


def test_code_link_with_add_puts_the_jar_and_the_code_in_the_basket(client, small_jar):
    response = client.get(f"/code/getinfused/?add={small_jar.pk}", follow=True)
    assert response.redirect_chain == [("/basket/", 302)]
    assert messages_of(response)[-1] == "Code GETINFUSED applied: the discount is in your cart."
    basket = open_basket()
    assert [(line.product.upc, line.quantity) for line in basket.all_lines()] == [("RELEAF-2OZ", 1)]
    assert basket.total_excl_tax == Decimal("22.00")


def test_code_link_keeps_the_code_until_the_basket_has_a_line(client, store, small_jar):
    response = client.get("/code/GETINFUSED/", follow=True)
    assert response.redirect_chain == [(store.get_absolute_url(), 302)]
    assert messages_of(response)[-1] == (
        "Code GETINFUSED is saved: it will be applied when you add the cream."
    )
    add(client, small_jar)
    basket = open_basket()
    assert [v.code for v in basket.vouchers.all()] == ["GETINFUSED"]
    assert discount_of(basket) == Decimal("12.00")
    assert "shop_pending_code" not in client.session


def test_a_kept_code_is_applied_on_the_next_basket_page(client, small_jar):
    add(client, small_jar)
    client.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
    # a second visitor state: code kept while the basket is empty, then the basket page
    session = client.session
    session["shop_pending_code"] = "GETINFUSED"
    session.save()
    open_basket().vouchers.clear()
    response = client.get("/basket/")
    assert messages_of(response)[-1] == "Code GETINFUSED applied: the discount is in your cart."
    assert discount_of(open_basket()) == Decimal("12.00")


def test_code_link_with_a_bad_code_gives_the_same_message(client, store, small_jar):
    response = client.get("/code/NOSUCHCODE/", follow=True)
    assert response.redirect_chain == [(store.get_absolute_url(), 302)]
    assert messages_of(response)[-1] == CODE_REFUSED_MESSAGE
    response = client.get(f"/code/NOSUCHCODE/?add={small_jar.pk}", follow=True)
    assert response.redirect_chain == [("/basket/", 302)]
    assert messages_of(response)[-1] == CODE_REFUSED_MESSAGE
    assert open_basket().vouchers.count() == 0


def test_the_code_link_counts_its_click_by_source(client, store):
    """The funnel's sources: an email's link says so (?from=email), a blog's is a /code/ link,
    the cream button's own redirect counted its click already (?from=cream)."""
    from guidance.models import FunnelEvent

    client.get("/code/GETINFUSED/?from=email")
    client.get("/code/GETINFUSED/")
    client.get("/code/GETINFUSED/?from=cream")
    clicks = FunnelEvent.objects.filter(kind=FunnelEvent.Kind.PRODUCT_CLICK).order_by("pk")
    assert list(clicks.values_list("step", flat=True)) == ["email", "code"]

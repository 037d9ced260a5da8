"""Concurrent buyers on PostgreSQL: counters stay right, stock is never oversold, and a paid
session finishes its order exactly once when the webhook and the return page race."""

from decimal import Decimal

import pytest
from django.test import Client
from oscar.core.loading import get_model

from shop.checkout.views import SOLD_OUT_MESSAGE
from shop.payment.models import CheckoutAttempt
from tests.helpers.checkout import all_at_once, place, ready_to_pay

ConditionalOffer = get_model("offer", "ConditionalOffer")
Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")
Source = get_model("payment", "Source")
StockRecord = get_model("partner", "StockRecord")
Voucher = get_model("voucher", "Voucher")

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

BUYERS = 20


def test_counters_with_concurrent_discounted_orders(store, stripe_standin, settings):
    settings.SHOP_CODE_RATE_LIMIT = "1000/m"
    product = store.children.get(upc="RELEAF-2OZ")
    clients = [ready_to_pay(product, f"buyer{i}@example.com") for i in range(BUYERS)]
    responses = all_at_once([place(c) for c in clients])
    assert [r.status_code for r in responses] == [302] * BUYERS
    assert Order.objects.filter(status="Pending payment").count() == BUYERS
    voucher = Voucher.objects.get(code="GETINFUSED")
    offer = voucher.offers.get()
    assert (voucher.num_orders, voucher.total_discount) == (BUYERS, Decimal("12.00") * BUYERS)
    assert (offer.num_orders, offer.num_applications) == (BUYERS, BUYERS)
    assert offer.total_discount == Decimal("12.00") * BUYERS


def test_no_oversell_with_three_in_stock(store, stripe_standin, settings):
    settings.SHOP_CODE_RATE_LIMIT = "1000/m"
    product = store.children.get(upc="RELEAF-2OZ")
    StockRecord.objects.filter(product=product).update(num_in_stock=3, num_allocated=0)
    clients = [ready_to_pay(product, f"buyer{i}@example.com", code=False) for i in range(BUYERS)]
    responses = all_at_once([place(c) for c in clients])
    to_stripe = [r for r in responses if r.url.startswith(stripe_standin.base_url)]
    refused = [r for r in responses if r.url == "/basket/"]
    assert (len(to_stripe), len(refused)) == (3, BUYERS - 3)
    assert Order.objects.count() == 3
    assert StockRecord.objects.get(product=product).num_allocated == 3
    loser = clients[responses.index(refused[0])]
    page = loser.get("/basket/")
    assert SOLD_OUT_MESSAGE.format(product=product.get_title()) in [
        str(m) for m in page.context["messages"]
    ]


def test_webhook_and_return_page_race_finish_the_order_once(store, stripe_standin):
    product = store.children.get(upc="RELEAF-2OZ")
    client = ready_to_pay(product, "ann@example.com")
    client.post("/checkout/preview/", {"action": "place_order"})
    attempt = CheckoutAttempt.objects.get()
    stripe_standin.pay(attempt.session_id)
    (event,) = stripe_standin.events(
        type="checkout.session.completed", related_to=attempt.session_id
    )

    def webhook():
        return Client().post(
            "/checkout/stripe/webhook/",
            data=event.payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=event.signature_header,
        )

    def return_page():
        return client.get(f"/checkout/stripe/return/?session_id={attempt.session_id}")

    results = all_at_once([webhook, return_page, webhook, return_page])
    assert [r.status_code for r in results] == [200, 302, 200, 302]
    assert Order.objects.get().status == "Paid"
    assert Source.objects.count() == 1
    assert PaymentEvent.objects.count() == 1

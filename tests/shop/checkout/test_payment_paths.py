"""Webhook, return page and reconciliation all finish an order once; cancel and expiry give
back the code, the stock and the basket. Real stripe client, stand-in over HTTP."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from shop.checkout.views import CANCELLED_MESSAGE
from shop.payment.models import CheckoutAttempt, StripeEvent
from shop.payment.services import payments_reconcile
from tests.helpers.checkout import checkout_to_stripe, messages_of, open_basket, post_event

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")
Source = get_model("payment", "Source")
StockRecord = get_model("partner", "StockRecord")
Voucher = get_model("voucher", "Voucher")
VoucherApplication = get_model("voucher", "VoucherApplication")


@pytest.fixture
def at_stripe(client, small_jar, stripe_standin):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    client.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
    checkout_to_stripe(client)
    return CheckoutAttempt.objects.get()


def paid_state():
    order = Order.objects.get()
    return (
        order.status,
        Source.objects.filter(order=order).count(),
        PaymentEvent.objects.filter(order=order).count(),
    )


def test_webhook_before_the_return_page(client, at_stripe, stripe_standin):
    stripe_standin.pay(at_stripe.session_id)
    (event,) = stripe_standin.events(
        type="checkout.session.completed", related_to=at_stripe.session_id
    )
    assert post_event(client, event).status_code == 200
    assert paid_state() == ("Paid", 1, 1)
    response = client.get(f"/checkout/stripe/return/?session_id={at_stripe.session_id}")
    assert response.url == "/checkout/thank-you/"
    assert paid_state() == ("Paid", 1, 1)


def test_webhook_after_the_return_page_and_duplicates_change_nothing(
    client, at_stripe, stripe_standin
):
    stripe_standin.pay(at_stripe.session_id)
    client.get(f"/checkout/stripe/return/?session_id={at_stripe.session_id}")
    assert paid_state() == ("Paid", 1, 1)
    (event,) = stripe_standin.events(
        type="checkout.session.completed", related_to=at_stripe.session_id
    )
    assert post_event(client, event).status_code == 200
    assert post_event(client, event).status_code == 200  # duplicate delivery
    assert paid_state() == ("Paid", 1, 1)
    assert StripeEvent.objects.filter(event_id=event.id).count() == 1


def test_forged_webhooks_are_refused_and_change_nothing(client, at_stripe, stripe_standin):
    stripe_standin.pay(at_stripe.session_id)
    (event,) = stripe_standin.events(
        type="checkout.session.completed", related_to=at_stripe.session_id
    )
    forged = event.payload.replace(b'"paid"', b'"paid" ')
    response = client.post(
        "/checkout/stripe/webhook/",
        data=forged,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=event.signature_header,
    )
    assert response.status_code == 400
    assert post_event(client, event, signature="t=1,v1=deadbeef").status_code == 400
    assert (
        client.post(
            "/checkout/stripe/webhook/", data=b"{}", content_type="application/json"
        ).status_code
        == 400
    )
    assert paid_state() == ("Pending payment", 0, 0)
    assert StripeEvent.objects.count() == 0


def test_reconciliation_finds_a_paid_session_whose_webhook_never_came(at_stripe, stripe_standin):
    stripe_standin.pay(at_stripe.session_id)
    assert payments_reconcile(older_than_minutes=10) == 0  # too recent to ask about
    CheckoutAttempt.objects.update(created_at=at_stripe.created_at.replace(year=2020))
    assert payments_reconcile(older_than_minutes=10) == 1
    assert paid_state() == ("Paid", 1, 1)
    assert payments_reconcile(older_than_minutes=10) == 0


def test_declined_then_paid(client, at_stripe, stripe_standin):
    declined = stripe_standin.pay(at_stripe.session_id, card="4000000000000341")
    assert declined.status_code == 402
    response = client.get(f"/checkout/stripe/return/?session_id={at_stripe.session_id}")
    assert paid_state() == ("Pending payment", 0, 0)  # unpaid session: nothing recorded
    assert stripe_standin.pay(at_stripe.session_id).status_code == 200
    response = client.get(f"/checkout/stripe/return/?session_id={at_stripe.session_id}")
    assert response.url == "/checkout/thank-you/"
    assert paid_state() == ("Paid", 1, 1)


@pytest.mark.parametrize("answer,paid", [("approve", True), ("fail", False)])
def test_three_d_secure(client, at_stripe, stripe_standin, answer, paid):
    result = stripe_standin.pay(
        at_stripe.session_id, card="4000002760003184", three_d_secure=answer
    )
    assert result.status_code == (200 if paid else 402)
    client.get(f"/checkout/stripe/return/?session_id={at_stripe.session_id}")
    assert paid_state() == (("Paid", 1, 1) if paid else ("Pending payment", 0, 0))


def held():
    return (
        StockRecord.objects.get(product__upc="RELEAF-2OZ").num_allocated,
        Voucher.objects.get(code="GETINFUSED").num_orders,
        VoucherApplication.objects.count(),
    )


def test_cancel_gives_back_basket_code_and_stock(client, at_stripe, stripe_standin):
    assert held() == (1, 1, 1)
    order = at_stripe.order
    response = client.get(f"/checkout/stripe/cancel/?order={order.number}", follow=True)
    assert response.redirect_chain == [("/basket/", 302)]
    assert CANCELLED_MESSAGE in messages_of(response)
    assert held() == (0, 0, 0)
    assert Order.objects.get().status == "Cancelled"
    basket = open_basket()
    assert basket.pk == order.basket_id
    assert basket.total_excl_tax == Decimal("22.00")  # the code applies again
    session = stripe_standin.events(
        type="checkout.session.expired", related_to=at_stripe.session_id
    )
    assert len(session) == 1  # we expired it, so it can no longer be paid
    assert stripe_standin.pay(at_stripe.session_id).status_code == 400


def test_expiry_webhook_releases_code_and_stock(client, at_stripe, stripe_standin):
    stripe_standin.expire(at_stripe.session_id)
    (event,) = stripe_standin.events(
        type="checkout.session.expired", related_to=at_stripe.session_id
    )
    assert post_event(client, event).status_code == 200
    assert held() == (0, 0, 0)
    assert Order.objects.get().status == "Cancelled"
    # out of order: a late duplicate completed/expired changes nothing
    assert post_event(client, event).status_code == 200
    assert held() == (0, 0, 0)


def test_reconciliation_cancels_an_expired_session(at_stripe, stripe_standin):
    stripe_standin.expire(at_stripe.session_id)
    CheckoutAttempt.objects.update(created_at=at_stripe.created_at.replace(year=2020))
    assert payments_reconcile(older_than_minutes=10) == 1
    assert (Order.objects.get().status, held()) == ("Cancelled", (0, 0, 0))

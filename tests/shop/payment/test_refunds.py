"""Refunds from the dashboard order page go through Stripe; charge.refunded records them."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from shop.payment.models import CheckoutAttempt
from tests.shop.checkout.conftest import (
    checkout_to_stripe,
    small_jar,  # noqa: F401
)

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")


@pytest.fixture
def paid_order(client, small_jar, stripe_standin):  # noqa: F811
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    checkout_to_stripe(client)
    attempt = CheckoutAttempt.objects.get()
    stripe_standin.pay(attempt.session_id)
    client.get(f"/checkout/stripe/return/?session_id={attempt.session_id}")
    order = Order.objects.get()
    assert (order.status, order.total_incl_tax) == ("Paid", Decimal("39.95"))
    return order


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user(
        "staff", "staff@example.com", "pw", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


def deliver_refund_events(client, stripe_standin, order):
    intent = order.sources.get().reference
    for event in stripe_standin.events(type="charge.refunded", related_to=intent):
        response = client.post(
            "/checkout/stripe/webhook/",
            data=event.payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=event.signature_header,
        )
        assert response.status_code == 200


def test_partial_then_full_refund_from_the_dashboard(paid_order, staff_client, stripe_standin):
    page = staff_client.get(f"/dashboard/orders/{paid_order.number}/").content.decode()
    assert "Refund through Stripe" in page
    url = f"/dashboard/orders/{paid_order.number}/refund/"
    response = staff_client.post(url, {"amount": "10.00", "request_key": "a"})
    assert response.url == f"/dashboard/orders/{paid_order.number}/"
    staff_client.post(url, {"amount": "10.00", "request_key": "a"})  # double submit: one refund
    source = paid_order.sources.get()
    assert source.amount_refunded == Decimal("0.00")  # recorded when Stripe says so
    deliver_refund_events(staff_client, stripe_standin, paid_order)
    source.refresh_from_db()
    assert source.amount_refunded == Decimal("10.00")
    staff_client.post(url, {"amount": "29.95", "request_key": "b"})
    deliver_refund_events(staff_client, stripe_standin, paid_order)  # old and new, any order
    source.refresh_from_db()
    assert source.amount_refunded == Decimal("39.95")
    refunds = PaymentEvent.objects.filter(order=paid_order, event_type__name="Refunded")
    assert sorted(e.amount for e in refunds) == [Decimal("10.00"), Decimal("29.95")]
    page = staff_client.get(f"/dashboard/orders/{paid_order.number}/").content.decode()
    assert "refunded $39.95" in page
    assert "Refund through Stripe" not in page


def test_refund_more_than_paid_is_refused(paid_order, staff_client):
    url = f"/dashboard/orders/{paid_order.number}/refund/"
    response = staff_client.post(url, {"amount": "40.00", "request_key": "c"}, follow=True)
    assert "Not refunded: Refund between 0.01 and 39.95." in response.content.decode()


def test_refunds_need_staff(paid_order, client):
    response = client.post(f"/dashboard/orders/{paid_order.number}/refund/", {"amount": "1"})
    assert response.status_code == 302
    assert "/login/" in response.url

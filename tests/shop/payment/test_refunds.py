"""Refunds from the dashboard order page go through Stripe; charge.refunded records them."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from shop.payment.models import CheckoutAttempt, StaffRefund
from tests.helpers.checkout import checkout_to_stripe, deliver_refund_events

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")
OrderNote = get_model("order", "OrderNote")


@pytest.fixture
def paid_order(client, small_jar, stripe_standin):
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


def refund_page(client, order):
    """The refund page's amount box and request key, as a staff member opens it."""
    page = client.get(f"/dashboard/orders/{order.number}/refund/").content.decode()
    amount = re.search(r'name="amount"[^>]*value="([^"]*)"', page, re.S).group(1)
    key = re.search(r'name="request_key" value="([^"]*)"', page).group(1)
    return page, amount, key


def test_partial_then_full_refund_from_the_dashboard(paid_order, staff_client, stripe_standin):
    page = staff_client.get(f"/dashboard/orders/{paid_order.number}/").content.decode()
    assert "Refund through Stripe" in page
    url = f"/dashboard/orders/{paid_order.number}/refund/"
    page, amount, key = refund_page(staff_client, paid_order)
    assert amount == "39.95"  # all of it is refundable
    review = staff_client.post(url, {"amount": "10.00", "request_key": key}).content.decode()
    assert "Refund $10.00 to the customer?" in review
    assert "This sends money back through Stripe" in review
    assert "$29.95 stays paid" in review
    intent = paid_order.sources.get().reference
    assert not stripe_standin.events(type="charge.refunded", related_to=intent)  # not by reviewing
    confirm = {"amount": "10.00", "request_key": key, "confirm": "1"}
    response = staff_client.post(url, confirm)
    assert response.url == f"/dashboard/orders/{paid_order.number}/"
    staff_client.post(url, confirm)  # double submit: one refund
    source = paid_order.sources.get()
    assert source.amount_refunded == Decimal("0.00")  # recorded when Stripe says so
    assert StaffRefund.objects.get().status == StaffRefund.SENT
    _, amount, _ = refund_page(staff_client, paid_order)
    assert amount == "29.95"  # the sent refund is taken, even before Stripe confirms
    deliver_refund_events(staff_client, stripe_standin, paid_order)
    source.refresh_from_db()
    paid_order.refresh_from_db()
    assert (source.amount_refunded, paid_order.status) == (Decimal("10.00"), "Partly refunded")
    _, amount, key = refund_page(staff_client, paid_order)
    assert amount == "29.95"
    staff_client.post(url, {"amount": amount, "request_key": key, "confirm": "1"})
    deliver_refund_events(staff_client, stripe_standin, paid_order)  # old and new, any order
    source.refresh_from_db()
    paid_order.refresh_from_db()
    assert (source.amount_refunded, paid_order.status) == (Decimal("39.95"), "Refunded")
    refunds = PaymentEvent.objects.filter(order=paid_order, event_type__name="Refunded")
    assert sorted(e.amount for e in refunds) == [Decimal("10.00"), Decimal("29.95")]
    assert [(r.amount, r.requested_by_name, r.status) for r in StaffRefund.objects.all()] == [
        (Decimal("10.00"), "staff", StaffRefund.CONFIRMED),
        (Decimal("29.95"), "staff", StaffRefund.CONFIRMED),
    ]
    page = staff_client.get(f"/dashboard/orders/{paid_order.number}/").content.decode()
    assert "refunded $39.95" in page
    assert "Refund through Stripe" not in page
    history = page[page.index('id="refunds"') :]
    assert history.count("Confirmed by Stripe") == 2 and "<td>staff</td>" in history
    notes = OrderNote.objects.filter(order=paid_order, message__contains="by staff: sent")
    assert notes.count() == 2 and all(n.user.username == "staff" for n in notes)


def test_refund_more_than_refundable_is_refused(paid_order, staff_client, stripe_standin):
    url = f"/dashboard/orders/{paid_order.number}/refund/"
    response = staff_client.post(url, {"amount": "40.00", "request_key": "c", "confirm": "1"})
    assert "less than or equal to 39.95" in response.content.decode()
    staff_client.post(url, {"amount": "30.00", "request_key": "d", "confirm": "1"})
    # a second staff member's page still said 39.95: the service refuses what is taken
    response = staff_client.post(
        url, {"amount": "39.95", "request_key": "e", "confirm": "1"}, follow=True
    )
    assert "less than or equal to 9.95" in response.content.decode()
    assert [r.amount for r in StaffRefund.objects.all()] == [Decimal("30.00")]
    intent = paid_order.sources.get().reference
    assert len(stripe_standin.events(type="charge.refunded", related_to=intent)) == 1


def test_a_refund_stripe_refuses_is_marked_failed(paid_order, staff_client, standin_faults):
    url = f"/dashboard/orders/{paid_order.number}/refund/"
    standin_faults.fault("error_400", count=1, path_prefix="/v1/refunds")
    response = staff_client.post(
        url, {"amount": "5.00", "request_key": "f", "confirm": "1"}, follow=True
    )
    assert "Stripe did not refund" in response.content.decode()
    assert StaffRefund.objects.get().status == StaffRefund.FAILED
    _, amount, _ = refund_page(staff_client, paid_order)
    assert amount == "39.95"  # nothing moved: all of it is refundable again
    assert paid_order.sources.get().amount_refunded == Decimal("0.00")


def test_refunds_need_staff(paid_order, client):
    response = client.post(f"/dashboard/orders/{paid_order.number}/refund/", {"amount": "1"})
    assert response.status_code == 302
    assert "/login/" in response.url


def test_a_refund_stripe_did_not_answer_is_sent_once_when_confirmed_again(
    paid_order, staff_client, standin_faults, stripe_standin
):
    url = f"/dashboard/orders/{paid_order.number}/refund/"
    confirm = {"amount": "5.00", "request_key": "g", "confirm": "1"}
    standin_faults.fault("error_500", count=10, path_prefix="/v1/refunds")
    response = staff_client.post(url, confirm, follow=True)
    assert "Stripe did not answer, so the refund may or may not have been made." in (
        response.content.decode()
    )
    assert StaffRefund.objects.get().status == StaffRefund.REQUESTED  # still reserved
    _, amount, _ = refund_page(staff_client, paid_order)
    assert amount == "34.95"
    standin_faults.clear_faults()
    staff_client.post(url, confirm)  # the same page confirmed again
    refund = StaffRefund.objects.get()
    assert refund.status == StaffRefund.SENT and refund.stripe_refund_id
    intent = paid_order.sources.get().reference
    assert len(stripe_standin.events(type="charge.refunded", related_to=intent)) == 1

"""The order emails through the real checkout (Stripe stand-in over HTTP) and the dashboard: a
cancelled checkout plans nothing, a paid one plans them once; the confirmation's content on both
parts; the refund and shipped emails; every email in the staff preview."""

import html5lib
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from oscar.core.loading import get_model

from shop.followups.models import Contact, PlannedEmail, Shipment
from shop.followups.services import followup_dispatch, planned_emails_send
from shop.payment.models import CheckoutAttempt
from tests.helpers.checkout import checkout_to_stripe, deliver_refund_events

Kind = PlannedEmail.Kind
State = PlannedEmail.State
Order = get_model("order", "Order")
POSTAL = "ReLeaf, 100 Example Street, Springfield, IL 62701, USA"
ORDER_KINDS = [Kind.ORDER_CONFIRMATION, Kind.ORDER_HOWTO, Kind.ORDER_CHECKIN]


def send_due():
    followup_dispatch(enqueue=lambda token, ids: planned_emails_send(claim_token=token, ids=ids))


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def pay(client, stripe_standin):
    attempt = CheckoutAttempt.objects.filter(paid_at__isnull=True).latest("pk")
    stripe_standin.pay(attempt.session_id)
    response = client.get(f"/checkout/stripe/return/?session_id={attempt.session_id}")
    assert response.url == "/checkout/thank-you/"
    client.get(f"/checkout/stripe/return/?session_id={attempt.session_id}")  # twice: idempotent
    return Order.objects.get(pk=attempt.order_id)


@pytest.fixture
def staff_client(db):
    user = get_user_model().objects.create_user(
        "staff", "staff@example.com", "pw", is_staff=True, is_superuser=True
    )
    staff = Client()
    staff.force_login(user)
    return staff


def test_a_cancelled_checkout_plans_nothing_then_paying_plans_the_order_emails_once(
    client, small_jar, stripe_standin, request_routine, settings
):
    settings.FOLLOWUPS_SEND_HOURS = [0, 24]
    request_routine(email="ann@example.com", wants_followups=True)
    before = sorted(PlannedEmail.objects.values_list("kind", "state", "skip_reason"))
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    checkout_to_stripe(client)
    first = CheckoutAttempt.objects.get()
    client.get(f"/checkout/stripe/cancel/?order={first.order.number}")

    assert Order.objects.get().status == "Cancelled"
    assert sorted(PlannedEmail.objects.values_list("kind", "state", "skip_reason")) == before
    assert Contact.objects.get().last_ordered_at is None

    client.post("/checkout/preview/", {"action": "place_order"})
    order = pay(client, stripe_standin)

    assert order.status == "Paid"
    planned = PlannedEmail.objects.filter(order__isnull=False)
    assert sorted(planned.values_list("kind", "order__number")) == sorted(
        (kind, order.number) for kind in ORDER_KINDS
    )
    assert set(
        PlannedEmail.objects.filter(kind__startswith="tips").values_list("state", "skip_reason")
    ) == {(State.SKIPPED, "bought")}


def test_the_confirmation_lists_list_prices_the_code_and_the_routine(
    client, large_jar, stripe_standin, request_routine, smtp_settings, smtp_sink
):
    request_routine(email="ann@example.com")  # a result by the same email: her own routine
    PlannedEmail.objects.all().delete()
    client.post(f"/basket/add/{large_jar.pk}/", {"quantity": 1})
    client.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
    checkout_to_stripe(client)
    order = pay(client, stripe_standin)
    PlannedEmail.objects.exclude(kind=Kind.ORDER_CONFIRMATION).delete()

    send_due()
    send_due()

    [message] = smtp_sink.messages
    assert message["Subject"] == "Your ReLeaf order is confirmed"
    assert message["To"] == "ann@example.com"
    assert message["Message-ID"].endswith("@releaf.example>")
    text, html = parts(message)
    assert f"Order {order.number}" in text and f"Order {order.number}" in html
    assert "$58.00" in text and "$58.00" in html  # the 4 oz jar at list price
    assert "Code GETINFUSED: -$12.00" in text
    assert "Code GETINFUSED" in html and "−$12.00" in html
    # free shipping: the products count before the code (issue 16)
    assert "Shipping: Free" in text and "Free" in html
    assert "Total paid: $46.00 USD" in text and "$46.00 USD" in html
    assert "1 Main Street" in text and "1 Main Street" in html
    status = f"https://shop.example.com/accounts/order-status/{order.number}/"
    assert status in text and status in html
    assert "Arch rubs" in text and "Arch rubs" in html  # her routine
    assert "No self-check yet?" not in text
    for part in (text, html):
        assert "not medical advice" in part
        assert part.count("100 Example Street") == 1
        assert "ReLeaf, ReLeaf" not in part
    assert "<style" not in html and "sans-serif" in html
    html5lib.HTMLParser(strict=True).parse(html)  # raises on any parse error


def test_a_refund_from_the_dashboard_emails_the_amount_and_what_stays_paid(
    client, small_jar, stripe_standin, staff_client, smtp_settings, smtp_sink
):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    checkout_to_stripe(client)
    order = pay(client, stripe_standin)
    PlannedEmail.objects.all().delete()
    url = f"/dashboard/orders/{order.number}/refund/"
    # A key of its own: the stand-in outlives the test and replays a Stripe idempotency key.
    confirm = {"amount": "10.00", "request_key": "refund-email", "confirm": "1"}
    staff_client.post(url, confirm)  # the confirmation page's "Refund $10.00" button
    deliver_refund_events(client, stripe_standin, order)
    deliver_refund_events(client, stripe_standin, order)  # a redelivery: one email

    send_due()

    [message] = smtp_sink.messages
    assert message["Subject"] == "Your ReLeaf refund is on its way"
    text, html = parts(message)
    assert "Refunded now: $10.00" in text and "$10.00" in html
    assert "Still paid: $29.95 USD" in text
    assert "5 to 10 business days" in text
    assert PlannedEmail.objects.get().facts["left_paid"] == "29.95"


def test_marking_shipped_in_the_dashboard_sends_one_email_with_the_tracking_link(
    client, small_jar, stripe_standin, staff_client, smtp_settings, smtp_sink
):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    checkout_to_stripe(client)
    order = pay(client, stripe_standin)
    PlannedEmail.objects.all().delete()
    page = staff_client.get(f"/dashboard/orders/{order.number}/").content.decode()
    assert "Mark shipped" in page
    url = f"/dashboard/orders/{order.number}/shipment/"
    staff_client.post(url, {"carrier": "ups", "tracking_number": "1Z999"})
    staff_client.post(url, {"carrier": "usps", "tracking_number": " 9400111 "})  # corrected

    send_due()

    shipment = Shipment.objects.get()
    assert (shipment.order, shipment.carrier, shipment.tracking_number) == (
        order,
        "usps",
        "9400111",
    )
    assert Order.objects.get().status == "Shipped"
    [message] = smtp_sink.messages
    assert message["Subject"] == "Your Infused ReLeaf is on its way"
    text, html = parts(message)
    link = "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111"
    assert link in text and "9400111" in html
    path = f"{order.number}/{order.verification_hash()}/"
    guest = Client()  # Oscar asks the guest for the order's email first
    response = guest.post(f"/accounts/order-status-form/{path}", {"email": "ann@example.com"})
    response = guest.get(f"/accounts/order-status/{path}")
    assert response.status_code == 200, response
    status_page = response.content.decode()
    assert "9400111" in status_page
    assert (
        "Save tracking" in staff_client.get(f"/dashboard/orders/{order.number}/").content.decode()
    )


def test_the_preview_shows_every_email_including_the_order_ones(
    client, small_jar, stripe_standin, staff_client, guidance_content
):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    checkout_to_stripe(client)
    order = pay(client, stripe_standin)
    index = staff_client.get("/email/preview/").content.decode()
    for kind in Kind.values:
        assert f"/email/preview/{kind}/" in index
        page = staff_client.get(f"/email/preview/{kind}/")
        assert page.status_code == 200, kind
        text = staff_client.get(f"/email/preview/{kind}/text/").content.decode()
        assert "not medical advice" in text, kind
    confirmation = staff_client.get("/email/preview/order_confirmation/text/").content.decode()
    assert order.number in confirmation and "Code GETINFUSED" not in confirmation
    refund = staff_client.get("/email/preview/order_refund/text/").content.decode()
    assert "Refunded now: $10.00" in refund
    shipped = staff_client.get("/email/preview/order_shipped/text/").content.decode()
    assert "Tracking number" in shipped

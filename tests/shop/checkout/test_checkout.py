"""Checkout through Stripe Checkout: guest and account, paid end to end, through the real
stripe client and the stand-in over HTTP."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from oscar.core.loading import get_model

from shop.followups.models import PlannedEmail
from shop.followups.services import followup_dispatch, planned_emails_send
from shop.payment import client as stripe_client
from shop.payment.models import CheckoutAttempt
from tests.helpers.checkout import checkout_to_stripe, messages_of

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Voucher = get_model("voucher", "Voucher")


@pytest.fixture
def guest_at_stripe(client, small_jar, stripe_standin):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    client.post("/basket/vouchers/add/", {"code": "getinfused"})
    response = checkout_to_stripe(client)
    attempt = CheckoutAttempt.objects.get()
    return response, attempt


def test_guest_order_is_pending_before_the_redirect(guest_at_stripe, small_jar):
    response, attempt = guest_at_stripe
    order = attempt.order
    session = stripe_client.checkout_session_retrieve(session_id=attempt.session_id)
    assert response.status_code == 302
    assert response.url == session.url
    assert (order.status, order.guest_email) == ("Pending payment", "ann@example.com")
    # $34 - $12 + $5.95 shipping (products under $50 after the code)
    assert order.total_incl_tax == Decimal("27.95")
    assert (session.amount_total, session.currency) == (Decimal("27.95"), "usd")
    assert session.client_reference_id == order.number
    assert session.metadata == {"order_number": order.number, "discount_codes": "GETINFUSED"}
    assert Basket.objects.get(pk=order.basket_id).status == Basket.FROZEN
    assert StockRecord.objects.get(product=small_jar).num_allocated == 1
    assert Voucher.objects.get(code="GETINFUSED").num_orders == 1


def test_guest_pays_and_lands_on_the_thank_you_page(client, guest_at_stripe, stripe_standin):
    _, attempt = guest_at_stripe
    assert stripe_standin.pay(attempt.session_id).status_code == 200
    response = client.get(f"/checkout/stripe/return/?session_id={attempt.session_id}", follow=True)
    assert response.redirect_chain == [("/checkout/thank-you/", 302)]
    page = response.content.decode()
    order = Order.objects.get()
    assert order.number in page
    assert "GETINFUSED" in page
    assert order.status == "Paid"
    source = order.sources.get()
    assert (source.amount_debited, source.currency) == (Decimal("27.95"), "USD")
    assert source.reference.startswith("pi_")
    assert Basket.objects.get(pk=order.basket_id).status == Basket.SUBMITTED
    # the confirmation was planned with the payment; the dispatcher sends it once, however
    # often it runs
    confirmation = PlannedEmail.objects.get(kind=PlannedEmail.Kind.ORDER_CONFIRMATION)
    assert confirmation.order == order

    def send(token, ids):
        planned_emails_send(claim_token=token, ids=ids)

    assert followup_dispatch(enqueue=send) == 1
    assert followup_dispatch(enqueue=send) == 0
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    assert order.number in mail.outbox[0].body
    assert "GETINFUSED" in mail.outbox[0].body


def test_account_checkout_paid_end_to_end(client, small_jar, stripe_standin):
    user = get_user_model().objects.create_user("bo", "bo@example.com", "pw")
    client.force_login(user)
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 2})
    client.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
    response = checkout_to_stripe(client, guest=False)
    assert response.status_code == 302
    attempt = CheckoutAttempt.objects.get()
    stripe_standin.pay(attempt.session_id)
    response = client.get(f"/checkout/stripe/return/?session_id={attempt.session_id}")
    assert response.url == "/checkout/thank-you/"
    order = Order.objects.get()
    assert (order.user, order.status, order.total_incl_tax) == (user, "Paid", Decimal("56.00"))


def test_a_guest_email_that_used_the_code_loses_it_at_checkout(client, small_jar, stripe_standin):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    client.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
    checkout_to_stripe(client, email="cy@example.com")
    stripe_standin.pay(CheckoutAttempt.objects.get().session_id)
    client.get(f"/checkout/stripe/return/?session_id={CheckoutAttempt.objects.get().session_id}")

    other = client.__class__()
    other.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    other.post("/basket/vouchers/add/", {"code": "GETINFUSED"})  # email not known yet: accepted
    other.post("/checkout/", {"username": "CY@example.com ", "options": "anonymous"})
    response = other.get("/checkout/shipping-address/", follow=True)
    assert response.redirect_chain[-1] == ("/basket/", 302)
    from shop.voucher.selectors import CODE_REFUSED_MESSAGE

    assert CODE_REFUSED_MESSAGE in messages_of(response)
    assert Basket.objects.get(status=Basket.OPEN).vouchers.count() == 0


def test_the_gateway_lets_a_browser_submit_the_guest_choice(client, small_jar):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    page = client.get("/checkout/").content.decode()
    password = re.search(r'<input[^>]*name="password"[^>]*>', page).group(0)
    assert "required" not in password  # browsers refuse to submit a form with it empty

    response = client.post("/checkout/", {"username": "ann@example.com", "options": "anonymous"})
    assert response.status_code == 302
    assert response.url == "/checkout/shipping-address/"


def test_the_gateway_asks_a_returning_customer_for_the_password(client, small_jar):
    get_user_model().objects.create_user(
        username="ann", email="ann@example.com", password="a long pass phrase"
    )
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    response = client.post("/checkout/", {"username": "ann@example.com", "options": "existing"})
    assert response.status_code == 200
    assert response.context["form"].errors["password"] == [
        "Please enter your password, or choose to check out as a guest."
    ]
    assert "_auth_user_id" not in client.session

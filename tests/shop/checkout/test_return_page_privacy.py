"""The Stripe return URL carries the Checkout Session id, which is no credential: only the
browser session that started the checkout sees its order; any other sees a neutral page."""

import pytest
from django.test import Client
from oscar.core.loading import get_model

from shop.payment.models import CheckoutAttempt
from tests.helpers.checkout import checkout_to_stripe

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


@pytest.fixture
def paid(client, small_jar, stripe_standin):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    checkout_to_stripe(client)
    attempt = CheckoutAttempt.objects.get()
    stripe_standin.pay(attempt.session_id)
    return attempt


def _neutral(response) -> str:
    assert response.status_code == 200
    text = response.content.decode()
    assert "it has reached us" in text
    for private in ("Ann", "Lee", "1 Main Street", "ann@example.com", Order.objects.get().number):
        assert private not in text
    assert response["Cache-Control"] == "no-store"
    return text


def test_another_browser_with_the_link_sees_no_order(client, paid):
    url = f"/checkout/stripe/return/?session_id={paid.session_id}"
    _neutral(Client().get(url, follow=True))
    # The payment was still confirmed on the way (the link is Stripe's redirect, after all).
    assert Order.objects.get().status == "Paid"
    # The customer's own browser gets the thank-you page, with the order.
    response = client.get(url, follow=True)
    assert response.redirect_chain == [("/checkout/thank-you/", 302)]
    assert Order.objects.get().number in response.content.decode()


def test_the_link_later_from_another_session_shows_nothing_and_takes_no_basket(
    client, paid, small_jar
):
    client.get(f"/checkout/stripe/return/?session_id={paid.session_id}")
    stranger = Client()
    stranger.post(f"/basket/add/{small_jar.pk}/", {"quantity": 2})
    before = list(Basket.objects.order_by("pk").values_list("pk", "status"))
    _neutral(stranger.get(f"/checkout/stripe/return/?session_id={paid.session_id}"))
    assert list(Basket.objects.order_by("pk").values_list("pk", "status")) == before

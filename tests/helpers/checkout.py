"""Walking a basket through checkout and payment the way a browser does, for tests anywhere."""

import threading

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from oscar.core.loading import get_class, get_model

Applicator = get_class("offer.applicator", "Applicator")
Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")


def open_basket(**filters):
    """The one open basket (matching `filters`), priced and discounted as a request would see it."""
    basket = Basket.objects.get(status=Basket.OPEN, **filters)
    basket.strategy = Selector().strategy()
    Applicator().apply(basket, basket.owner or AnonymousUser())
    return basket


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def discount_of(basket):
    return basket.total_excl_tax_excl_discounts - basket.total_excl_tax


ADDRESS = {
    "first_name": "Ann",
    "last_name": "Lee",
    "line1": "1 Main Street",
    "line4": "Springfield",
    "state": "IL",
    "postcode": "62701",
    "country": "US",
    "phone_number": "",
}


def checkout_to_stripe(client, *, email="ann@example.com", guest=True):
    """Gateway, shipping address and method, preview, "Pay": returns the redirect response."""
    if guest:
        response = client.post("/checkout/", {"username": email, "options": "anonymous"})
        assert response.status_code == 302, response.content
    response = client.post("/checkout/shipping-address/", ADDRESS)
    assert response.status_code == 302, response.content
    response = client.post("/checkout/shipping-method/", {"method_code": "standard"})
    assert response.status_code == 302, response.content
    assert client.get("/checkout/payment-details/").url == "/checkout/preview/"
    return client.post("/checkout/preview/", {"action": "place_order"})


def post_event(client, event, signature=None):
    """Deliver a stand-in event to the webhook endpoint as Stripe would (or with `signature`)."""
    return client.post(
        "/checkout/stripe/webhook/",
        data=event.payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature or event.signature_header,
    )


def ready_to_pay(product, email, code=True):
    """A new guest client with `product` in the basket (and GETINFUSED), at the preview."""
    client = Client()
    client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    if code:
        client.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
    client.post("/checkout/", {"username": email, "options": "anonymous"})
    client.post("/checkout/shipping-address/", ADDRESS)
    client.post("/checkout/shipping-method/", {"method_code": "standard"})
    return client


def all_at_once(calls):
    """Run the callables in threads released together; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def place(client):
    return lambda: client.post("/checkout/preview/", {"action": "place_order"})


def deliver_refund_events(client, stripe_standin, order):
    """Post the stand-in's charge.refunded events for `order` to the webhook."""
    intent = order.sources.get().reference
    for event in stripe_standin.events(type="charge.refunded", related_to=intent):
        response = client.post(
            "/checkout/stripe/webhook/",
            data=event.payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=event.signature_header,
        )
        assert response.status_code == 200

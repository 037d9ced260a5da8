import pytest
from django.contrib.auth.models import AnonymousUser
from oscar.core.loading import get_class, get_model

Applicator = get_class("offer.applicator", "Applicator")
Basket = get_model("basket", "Basket")
Product = get_model("catalogue", "Product")
Selector = get_class("partner.strategy", "Selector")


@pytest.fixture
def small_jar(store):
    return Product.objects.get(upc="RELEAF-2OZ")


@pytest.fixture
def large_jar(store):
    return Product.objects.get(upc="RELEAF-4OZ")


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

"""Every page and message a customer can reach, walked as a guest and as an account holder, shows
none of Oscar's placeholder or book-shop wording."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from shop.payment.models import CheckoutAttempt
from tests.helpers.checkout import ADDRESS

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")

OSCAR_PHRASES = [
    "Payment details to go here",
    "copies of",
    "available)",
    "a maximum of",
    "total is now",
    "Checkout now",
    "excl. tax",
    "incl. tax",
    "inc. tax",
    "State/County",
    "Post/Zip-code",
    "First line of address",
    "Third line of address",
    "Allocation of",
    "from type",
    "Oops",
    "Vouchers",
    "voucher",
    "terribly wrong",
    "The requested resource was not found",
    "Enter the following information",
    "Lorem",
    "Oscar",
    "postcode",
]


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>|<!--.*?-->", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def leftovers(response) -> list[str]:
    text = visible_text(response.content.decode())
    return [phrase for phrase in OSCAR_PHRASES if phrase.lower() in text.lower()]


@pytest.fixture
def walk(store, stripe_standin):
    """(name, response) for every customer page, in the order a customer meets them."""
    small_jar = Product.objects.get(upc="RELEAF-2OZ")
    guest, pages = Client(), []

    def see(name, response, status=200):
        assert response.status_code == status, name
        pages.append((name, response))

    see("home", guest.get("/"))
    see("catalogue", guest.get("/catalogue/"))
    see("product", guest.get(store.get_absolute_url()))
    see("empty cart", guest.get("/basket/"))
    see("added", guest.post(f"/basket/add/{small_jar.pk}/", {"quantity": 2}, follow=True))
    see("code", guest.post("/basket/vouchers/add/", {"code": "GETINFUSED"}, follow=True))
    see("over the cap", guest.post(f"/basket/add/{small_jar.pk}/", {"quantity": 50}, follow=True))
    see("gateway", guest.get("/checkout/"))
    guest.post("/checkout/", {"username": "ann@example.com", "options": "anonymous"})
    see("address", guest.get("/checkout/shipping-address/"))
    see("bad address", guest.post("/checkout/shipping-address/", {"postcode": "x"}))
    guest.post("/checkout/shipping-address/", ADDRESS)
    guest.post("/checkout/shipping-method/", {"method_code": "standard"})
    see("preview", guest.get("/checkout/preview/"))
    guest.post("/checkout/preview/", {"action": "place_order"})
    attempt = CheckoutAttempt.objects.get()
    stripe_standin.pay(attempt.session_id)
    url = f"/checkout/stripe/return/?session_id={attempt.session_id}"
    see("thank you", guest.get(url, follow=True))
    order = Order.objects.get()
    kwargs = {"order_number": order.number, "hash": order.verification_hash()}
    form_url = reverse("customer:anon-order-form", kwargs=kwargs)
    see("order status form", guest.get(form_url))
    guest.post(form_url, {"email": "ann@example.com"})
    see("order status", guest.get(reverse("customer:anon-order", kwargs=kwargs)))
    see("emptied cart", guest.get("/basket/"))
    see("login", guest.get("/accounts/login/"))
    see("register", guest.get("/accounts/register/"))
    see("password reset", guest.get("/password-reset/"))
    see("privacy", guest.get("/privacy/"))
    see("not found", guest.get("/no-such-page/"), status=404)

    member = Client()
    member.force_login(get_user_model().objects.create_user("bo", "bo@example.com", "x" * 12))
    for path in (
        "/accounts/profile/",
        "/accounts/orders/",
        "/accounts/addresses/",
        "/accounts/addresses/add/",
        "/accounts/profile/edit/",
        "/accounts/change-password/",
    ):
        see(path, member.get(path))
    see("removed line", _remove_line(member, small_jar))
    return pages


def _remove_line(client, product):
    client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    page = client.get("/basket/")
    line = page.context["formset"].forms[0].instance
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(line.pk),
        "form-0-quantity": "1",
        "form-0-DELETE": "on",
    }
    return client.post("/basket/", data, follow=True)


def test_no_customer_page_shows_oscar_wording(walk):
    found = {name: words for name, response in walk if (words := leftovers(response))}
    assert found == {}


def test_the_walk_saw_the_messages_it_meant_to(walk):
    text = {name: visible_text(response.content.decode()) for name, response in walk}
    assert "Added to your cart: 2 × Infused ReLeaf massage cream, 2 oz" in text["added"]
    assert "You can order up to 10 of each size at a time." in text["over the cap"]
    assert "By card on Stripe's secure page" in text["preview"]
    assert "Paid $56.00 by card through Stripe." in text["thank you"]
    assert "Your cart is now empty." in text["removed line"]
    assert "Order total $56.00" in text["order status"]

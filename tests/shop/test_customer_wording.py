"""Every page and message a customer can reach, walked as a guest and as an account holder, shows
none of Oscar's placeholder or book-shop wording."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error
from oscar.core.loading import get_model

from shop.payment.models import CheckoutAttempt
from tests.helpers.checkout import ADDRESS, checkout_to_stripe

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
Voucher = get_model("voucher", "Voucher")

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
    "inc tax",
    "Num items",
    "Checkout gateway",
    "RELEAF-2OZ",  # the SKU is staff's, not the customer's
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
    # Account pages this shop drops or renames (shop.customer.apps, customer/partials/standard_tabs)
    "Product Alerts",
    "stock alert",
    "Notify me",
    "Notifications",
    "Email History",
    "Wish List",
    "Address Book",
    "Order History",
    # Oscar's checkout steps and confirmation (our payment step is Stripe's page)
    "3. Payment",
    "Preview",
    "Your order has been placed",
    "quote it in any communication",
    "Thanks for using our site",
    # Customers have a cart, never a basket (URLs keep Oscar's /basket/)
    "basket",
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
    see("checkout with an empty cart", guest.get("/checkout/", follow=True))
    see("added", guest.post(f"/basket/add/{small_jar.pk}/", {"quantity": 2}, follow=True))
    see("code", guest.post("/basket/vouchers/add/", {"code": "GETINFUSED"}, follow=True))
    code = Voucher.objects.get(code="GETINFUSED")
    see("code removed", guest.post(f"/basket/vouchers/{code.pk}/remove/", follow=True))
    guest.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
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

    see("server error", server_error(RequestFactory().get("/")), status=500)

    member = Client()
    member.force_login(get_user_model().objects.create_user("bo", "bo@example.com", "x" * 12))
    for path in (
        "/accounts/",
        "/accounts/profile/",
        "/accounts/orders/",
        "/accounts/addresses/",
        "/accounts/addresses/add/",
        "/accounts/profile/edit/",
        "/accounts/profile/delete/",
        "/accounts/change-password/",
    ):
        see(path, member.get(path, follow=True))
    member.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    see("member cart", member.get("/basket/"))
    see("member gateway", member.get("/checkout/", follow=True))
    see("member address", member.get("/checkout/shipping-address/"))
    member.post("/checkout/shipping-address/", ADDRESS)
    member.post("/checkout/shipping-method/", {"method_code": "standard"})
    see("member preview", member.get("/checkout/preview/"))
    checkout_to_stripe(member, guest=False)
    attempt = CheckoutAttempt.objects.latest("pk")
    stripe_standin.pay(attempt.session_id)
    url = f"/checkout/stripe/return/?session_id={attempt.session_id}"
    see("member thank you", member.get(url, follow=True))
    member_order = Order.objects.get(user__username="bo")
    see("member orders", member.get("/accounts/orders/"))
    see("member order", member.get(f"/accounts/orders/{member_order.number}/"))
    address = member_order.user.addresses.first()
    see("saved addresses", member.get("/accounts/addresses/"))
    see("saved address", member.get(f"/accounts/addresses/{address.pk}/"))
    see("delete address", member.get(f"/accounts/addresses/{address.pk}/delete/"))
    for dropped in ("/accounts/alerts/", "/accounts/notifications/inbox/", "/accounts/emails/"):
        assert member.get(dropped).status_code == 404, dropped
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
    assert "1. Address 2. Shipping 3. Review and pay 4. Confirmation" in text["preview"]
    assert "Your details Your orders Your addresses" in text["/accounts/profile/"]
    assert "Thank you! Your order number is" in text["thank you"]
    assert "Add to cart" in text["product"]
    assert "Your cart is empty: choose a size first" in text["checkout with an empty cart"]
    assert "Code GETINFUSED removed from your cart." in text["code removed"]
    assert "Added to your cart: 2 × Infused ReLeaf massage cream, 2 oz" in text["added"]
    assert "You can order up to 10 of each size at a time." in text["over the cap"]
    assert "By card on Stripe's secure page" in text["preview"]
    assert "Paid $56.00 by card through Stripe." in text["thank you"]
    assert "Your cart is now empty." in text["removed line"]
    assert "Order total $56.00" in text["order status"]
    assert "1 jar, $39.95 (Paid)" in text["member orders"]


def test_account_emails_show_no_oscar_wording(db, mailoutbox):
    """Oscar's own account emails (password reset, password changed) are signed by the shop."""
    user = get_user_model().objects.create_user("cy", "cy@example.com", "old-" + "x" * 12)
    Client().post("/password-reset/", {"email": "cy@example.com"})
    member = Client()
    member.force_login(user)
    new_password = "new-" + "y" * 12
    member.post(
        "/accounts/change-password/",
        {
            "old_password": "old-" + "x" * 12,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        bodies = [message.body, *(content for content, _ in message.alternatives)]
        found = [
            phrase
            for body in bodies
            for phrase in OSCAR_PHRASES
            if phrase.lower() in visible_text(body).lower()
        ]
        assert found == [], message.subject
        assert "team" in message.body

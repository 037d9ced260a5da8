"""Headers on every page (CSP, Permissions-Policy, Cache-Control on private pages, SameSite
cookies) and input no page can use: a NUL byte or an over-long value is a 404/400, never a 500."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from oscar.core.loading import get_model

from guidance.services import guidance_content_setup
from shop.store.middleware import payment_page_origin

Product = get_model("catalogue", "Product")

STRICT = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
}


def customer_policy() -> set[str]:
    """The strict policy; forms may post on to the payment page (here the stand-in)."""
    return STRICT | {f"form-action 'self' {payment_page_origin()}"}


def _policy(response) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


@pytest.fixture
def shop(store):
    guidance_content_setup()
    return Product.objects.get(upc="RELEAF-2OZ")


CUSTOMER_PAGES = [
    "/",
    "/guidance/self-check/",
    "/guidance/techniques/",
    "/guidance/techniques/twists/",
    "/catalogue/",
    "/basket/",
    "/checkout/",
    "/accounts/login/",
    "/accounts/register/",
    "/dashboard/login/",
    "/email/unsubscribe/not-a-token/",
    "/no-such-page/",
]


@pytest.mark.parametrize("path", CUSTOMER_PAGES)
def test_every_customer_page_has_the_strict_policy(shop, path):
    response = Client().get(path, follow=True)
    assert response.status_code in (200, 404)
    policy = _policy(response)
    assert customer_policy() <= policy
    assert not any("unsafe" in part for part in policy)
    assert response["Permissions-Policy"].startswith("accelerometer=(), autoplay=(), camera=()")
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_product_page_has_the_strict_policy(shop):
    response = Client().get(shop.parent.get_absolute_url() if shop.parent else "/catalogue/")
    assert response.status_code == 200
    assert customer_policy() <= _policy(response)


def test_with_stripe_forms_may_post_on_to_stripe_checkout(shop, settings):
    settings.STRIPE_API_BASE = "https://api.stripe.com"
    policy = _policy(Client().get("/"))
    assert "form-action 'self' https://checkout.stripe.com" in policy


def test_the_dashboard_allows_oscars_inline_scripts_and_nothing_from_elsewhere(db):
    staff = get_user_model().objects.create_user("s", "s@example.com", "x", is_staff=True)
    client = Client()
    client.force_login(staff)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    policy = _policy(response)
    assert {"script-src 'self' 'unsafe-inline'", "default-src 'self'"} <= policy
    assert "frame-ancestors 'none'" in policy
    assert response["Cache-Control"] == "private, no-store"


def test_basket_and_checkout_pages_are_private_and_the_basket_cookie_samesite(shop):
    client = Client()
    response = client.post(f"/basket/add/{shop.pk}/", {"quantity": 1})
    assert response.cookies["oscar_open_basket"]["samesite"] == "Lax"
    for path in ("/basket/", "/checkout/"):
        page = client.get(path)
        assert page.status_code == 200
        assert page["Cache-Control"] == "private, no-store"
    # Served from the page cache the second time: the same headers.
    assert Client().get("/basket/")["Cache-Control"] == "private, no-store"
    assert "Cache-Control" not in Client().get("/")


@pytest.mark.parametrize(
    "path, status",
    [
        ("/code/GET%00INFUSED/", 404),
        ("/guidance/results/abc%00def/", 404),
        ("/guidance/techniques/tw%00ists/", 404),
        ("/catalogue/?q=%00", 400),
        ("/search/?q=" + "x" * 2001, 400),
        ("/accounts/login/?next=%00", 400),
    ],
)
def test_nul_bytes_and_over_long_values_are_refused_not_a_500(shop, path, status):
    assert Client(raise_request_exception=False).get(path).status_code == status


def test_a_nul_in_a_form_value_is_a_400(shop):
    client = Client(raise_request_exception=False)
    response = client.post("/basket/vouchers/add/", {"code": "GET\x00INFUSED"})
    assert response.status_code == 400


def test_a_long_search_by_a_signed_in_customer_is_recorded_cut(shop):
    UserSearch = get_model("analytics", "UserSearch")
    user = get_user_model().objects.create_user("c", "c@example.com", "x")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.get("/search/?q=" + "cream " * 100)
    assert response.status_code == 200
    assert [len(q) for q in UserSearch.objects.values_list("query", flat=True)] == [255]

"""The storefront a US customer meets, in a real browser on a phone and a desktop: free shipping
around the line with and without the code, the US address form, the cap per line, a code
switched off meanwhile, the pages that must fit a 390 px screen, and "no pain right now"."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from guidance.forms import RED_FLAGS
from guidance.services import guidance_content_setup
from shop.pagecache.services import page_cache_invalidate
from shop.payment.models import CheckoutAttempt
from tests.helpers.checkout import ADDRESS

pytestmark = pytest.mark.django_db(transaction=True)

ConditionalOffer = get_model("offer", "ConditionalOffer")
Order = get_model("order", "Order")
VIEWPORTS = ["phone", "desktop"]


def _text(locator) -> str:
    return " ".join(locator.inner_text().split())


def _add(page, store, size: str, quantity: int = 1) -> None:
    page.goto(store.get_absolute_url())
    page.get_by_label(size).check()
    page.get_by_label("Quantity").fill(str(quantity))
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_load_state()


def _enter_code(page) -> None:
    page.goto("/basket/")
    page.locator("#voucher_form").get_by_label("Code").fill("GETINFUSED")
    page.get_by_role("button", name="Add coupon").click()
    page.wait_for_url("**/basket/")


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_free_shipping_line_with_and_without_the_code(new_page, screenshot, store, viewport):
    page = new_page(viewport=viewport)
    page.goto(store.get_absolute_url())
    assert "Free shipping when your products come to $50.00 or more." in _text(page.locator("main"))
    assert "GETINFUSED" in _text(page.locator("main"))
    _add(page, store, "2 oz")
    page.goto("/basket/")
    totals = _text(page.locator("#basket_totals"))
    assert "Add $16.00 more for free shipping." in totals and "$39.95" in totals
    _enter_code(page)
    totals = _text(page.locator("#basket_totals"))
    assert "Add $16.00 more for free shipping." in totals and "$27.95" in totals
    screenshot(page, "below-the-line-with-code")
    _add(page, store, "4 oz")
    page.goto("/basket/")
    totals = _text(page.locator("#basket_totals"))
    # $92.00 of products, $80.00 after the code: free shipping
    assert "Your order ships free." in totals and "$80.00" in totals
    screenshot(page, "over-the-line-with-code")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_4oz_jar_with_the_code_still_ships_free(new_page, store, viewport):
    page = new_page(viewport=viewport)
    _add(page, store, "4 oz")
    _enter_code(page)
    totals = _text(page.locator("#basket_totals"))
    assert "-$12.00" in totals and "Your order ships free." in totals
    assert totals.endswith("Order total $46.00")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_us_address_form(new_page, screenshot, store, viewport):
    page = new_page(viewport=viewport)
    _add(page, store, "2 oz")
    page.goto("/checkout/")
    assert page.get_by_label("My email address is").get_attribute("autocomplete") == "email"
    page.get_by_label("My email address is").fill("ann@example.com")
    page.get_by_label("I am a new customer and want to checkout as a guest").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/checkout/shipping-address/")
    tokens = {
        "First name": "shipping given-name",
        "Last name": "shipping family-name",
        "Street address": "shipping address-line1",
        "Apartment, suite, unit (optional)": "shipping address-line2",
        "City": "shipping address-level2",
        "State": "shipping address-level1",
        "ZIP code": "shipping postal-code",
        "Phone (optional)": "shipping tel",
    }
    for label, token in tokens.items():
        assert page.get_by_label(label, exact=True).get_attribute("autocomplete") == token
    state = page.get_by_label("State", exact=True)
    assert state.evaluate("el => el.tagName") == "SELECT"
    assert "District of Columbia" in state.locator("option").all_inner_texts()
    page.get_by_label("First name").fill("Ann")
    page.get_by_label("Last name").fill("Lee")
    page.get_by_label("Street address").fill("1 Main Street")
    page.get_by_label("City").fill("Springfield")
    state.select_option("IL")
    page.get_by_label("ZIP code").fill("6270")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/checkout/shipping-address/")
    assert "Enter a 5-digit ZIP code" in _text(page.locator("main"))
    assert _no_sideways_scroll(page)
    screenshot(page, "bad-zip")
    page.get_by_label("ZIP code").fill("62701-1234")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r".*/checkout/(shipping-method|preview)/$"))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_quantity_cap(new_page, store, viewport):
    page = new_page(viewport=viewport)
    page.goto(store.get_absolute_url())
    assert page.get_by_label("Quantity").get_attribute("max") == "10"
    # A browser keeps to max; a hand-made request does not, and the server says why.
    page.get_by_label("Quantity").evaluate("el => el.removeAttribute('max')")
    page.get_by_label("2 oz").check()
    page.get_by_label("Quantity").fill("150")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_load_state()
    assert "You can order up to 10 of each size at a time." in _text(page.locator("#messages"))
    page.goto("/basket/")
    assert "Your cart is empty." in _text(page.locator("main"))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_switched_off_code_leaves_the_basket(new_page, store, viewport):
    page = new_page(viewport=viewport)
    _add(page, store, "2 oz")
    _enter_code(page)
    assert "-$12.00" in _text(page.locator("#basket_totals"))
    ConditionalOffer.objects.filter(vouchers__code="GETINFUSED").update(
        status=ConditionalOffer.SUSPENDED
    )
    page_cache_invalidate()  # the dashboard's save does this
    page.goto("/basket/")
    assert "Code GETINFUSED can no longer be used" in _text(page.locator("#messages"))
    totals = _text(page.locator("#basket_totals"))
    assert "-$12.00" not in totals and totals.endswith("Order total $39.95")


def _paid_order(stripe_standin, small_jar) -> Order:
    client = Client()
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    client.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
    client.post("/checkout/", {"username": "ann@example.com", "options": "anonymous"})
    client.post("/checkout/shipping-address/", ADDRESS)
    client.post("/checkout/shipping-method/", {"method_code": "standard"})
    client.post("/checkout/preview/", {"action": "place_order"})
    attempt = CheckoutAttempt.objects.get()
    stripe_standin.pay(attempt.session_id)
    client.get(f"/checkout/stripe/return/?session_id={attempt.session_id}")
    return Order.objects.get()


def test_order_status_page_fits_a_phone(new_page, screenshot, store, stripe_standin):
    order = _paid_order(stripe_standin, store.children.get(upc="RELEAF-2OZ"))
    page = new_page(viewport="phone")
    kwargs = {"order_number": order.number, "hash": order.verification_hash()}
    page.goto(reverse("customer:anon-order-form", kwargs=kwargs))
    page.get_by_label("Email address").fill("ann@example.com")
    page.get_by_role("button", name="Show my order").click()
    page.wait_for_url(f"**{reverse('customer:anon-order', kwargs=kwargs)}")
    main = _text(page.locator("main"))
    assert "Code GETINFUSED -$12.00" in main and "Order total $27.95" in main
    assert "tax" not in main.lower()
    assert _no_sideways_scroll(page)
    screenshot(page, "order-status")


def test_preview_fits_a_phone(new_page, screenshot, store):
    page = new_page(viewport="phone")
    _add(page, store, "2 oz")
    page.goto("/checkout/")
    page.get_by_label("My email address is").fill("ann@example.com")
    page.get_by_label("I am a new customer and want to checkout as a guest").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("First name").fill("Ann")
    page.get_by_label("Last name").fill("Lee")
    page.get_by_label("Street address").fill("1 Main Street")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("State", exact=True).select_option("IL")
    page.get_by_label("ZIP code").fill("62701")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/checkout/preview/")
    assert not page.locator(".basket-title").is_visible()  # the stacked headings
    assert "Quantity: 1" in _text(page.locator(".order-line"))
    assert _no_sideways_scroll(page)
    screenshot(page, "preview")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_no_pain_right_now_goes_with_an_area(new_page, screenshot, store, viewport):
    guidance_content_setup()
    page = new_page(viewport=viewport)
    page.goto("/guidance/self-check/")
    page.wait_for_url("**/guidance/self-check/safety/")
    for question in RED_FLAGS.values():
        page.get_by_role("group", name=question).get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/guidance/self-check/pain/")
    page.get_by_label("Foot, heel or arch", exact=True).check()
    page.get_by_role("group", name="For how long?").get_by_label(
        "No pain right now, I'm checking in", exact=True
    ).check()
    screenshot(page, "no-pain-with-an-area")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/guidance/self-check/arch/")

"""Buying in a real browser (issue 6, journeys 1, 2, 4 and 5): from the home page through the
self-check, a technique and the basket with GETINFUSED to Stripe Checkout, here the stand-in's
hosted card page, and back to the thank-you page.

The stand-in also sends its signed webhook to the live server, so the return page and the webhook
race as they do in production; the order must be paid exactly once either way.
"""

import re
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from guidance.models import Result
from guidance.services import guidance_content_setup
from shop.payment.models import CheckoutAttempt
from tests.stripe_standin import FAST_RETRIES

pytestmark = pytest.mark.django_db(transaction=True)

Order = get_model("order", "Order")

PAYS = "4242424242424242"
ASKS_FOR_3DS = "4000002760003184"
DECLINED = "4000000000000341"


@pytest.fixture
def shop(store, stripe_standin, live_server):
    """The store and guidance content, with the stand-in's webhooks going to the live server."""
    guidance_content_setup()
    stripe_standin.configure(
        webhook_url=f"{live_server.url}/checkout/stripe/webhook/", auto_deliver=True
    )
    yield store
    stripe_standin.configure(webhook_url="", auto_deliver=False, retry_delays=FAST_RETRIES)


def _text(locator) -> str:
    return " ".join(locator.inner_text().split())


def _choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def _self_check(page, shot) -> None:
    """Home -> self-check (no red flags, right side tighter in both checks) -> result."""
    page.goto("/")
    shot("home")
    page.get_by_role("link", name="Take the 2-minute self-check").click()
    page.wait_for_url("**/guidance/self-check/safety/")
    for group in page.get_by_role("group").all():
        group.get_by_label("No", exact=True).check()
    shot("safety")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/guidance/self-check/pain/")
    page.get_by_label("Low back", exact=True).check()
    _choose(page, "For how long?", "Two weeks to three months")
    shot("pain")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/guidance/self-check/arch/")
    _choose(page, "Left foot: how tight was the arch?", "Mild")
    _choose(page, "Right foot: how tight was the arch?", "Strong")
    shot("arch")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/guidance/self-check/heel/")
    _choose(page, "Left side of the low back: how tight?", "None")
    _choose(page, "Right side of the low back: how tight?", "Moderate")
    shot("heel")
    page.get_by_role("button", name="See my result").click()
    page.wait_for_url(re.compile(r".*/guidance/results/[\w-]+/$"))
    assert page.get_by_role("heading", name="Your routine: right foot first").is_visible()
    shot("result")


def _basket_with_code(page, shot) -> None:
    """Product page -> 2 oz in the basket -> GETINFUSED entered in the basket's form."""
    page.get_by_label("2 oz").check()
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_load_state()
    assert "Added to your cart" in page.locator("#messages").inner_text()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cart").click()
    page.wait_for_url("**/basket/")
    page.locator("#voucher_form").get_by_label("Code").fill(" getinfused ")
    page.get_by_role("button", name="Add coupon").click()
    page.wait_for_url("**/basket/")
    assert _text(page.locator("#messages")) == (
        "Code GETINFUSED applied: the discount is in your cart."
    )
    _assert_basket_totals(page)
    shot("basket-with-code")


def _assert_basket_totals(page) -> None:
    totals = _text(page.locator("#basket_totals"))
    assert "GETINFUSED" in totals
    assert "-$12.00" in totals
    assert "$27.95" in totals  # $34.00 - $12.00 + $5.95 shipping


def _guest_checkout(page, shot, email: str) -> None:
    """Checkout as a guest up to the stand-in's card page."""
    page.get_by_role("link", name="Proceed to checkout").click()
    page.wait_for_url("**/checkout/")
    page.get_by_label("My email address is").fill(email)
    page.get_by_label("I am a new customer and want to checkout as a guest").check()
    shot("checkout-who")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/checkout/shipping-address/")
    page.get_by_label("First name").fill("Ann")
    page.get_by_label("Last name").fill("Lee")
    page.get_by_label("Street address").fill("1 Main Street")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("State", exact=True).select_option("IL")
    page.get_by_label("ZIP code").fill("62701")
    shot("checkout-address")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/checkout/preview/")
    preview = _text(page.locator("main"))
    assert "GETINFUSED" in preview
    assert "$27.95" in preview
    shot("checkout-preview")
    page.get_by_role("button", name="Pay securely with Stripe").click()
    page.wait_for_url(re.compile(r".*/pay/cs_[\w-]+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Pay $27.95"


def _pay(page, card: str) -> None:
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiry date (MM / YY)").fill("12 / 34")
    page.get_by_label("Security code (CVC)").fill("123")
    page.get_by_role("button", name="Pay $27.95").click()


def _assert_thank_you(page, shot, email: str) -> Order:
    page.wait_for_url("**/checkout/thank-you/")
    order = Order.objects.get()
    body = _text(page.locator("main"))
    assert order.number in body
    assert "GETINFUSED" in body
    assert "$27.95" in body
    shot("thank-you")
    assert order.status == "Paid"
    assert order.guest_email == email
    assert order.total_incl_tax == Decimal("27.95")
    assert [v.voucher_code for v in order.discounts.all()] == ["GETINFUSED"]
    assert order.sources.get().amount_debited == Decimal("27.95")
    assert CheckoutAttempt.objects.filter(order=order).count() == 1
    return order


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_from_the_home_page_to_a_paid_order(
    new_page, screenshot, axe_violations, shop, live_server, viewport
):
    page = new_page(viewport=viewport)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    found = {}

    def shot(name: str) -> None:
        screenshot(page, name)
        if "/pay/" not in page.url:  # the stand-in's page is Stripe's, not ours
            found[name] = axe_violations(page)

    _self_check(page, shot)
    page.get_by_role("link", name="Arch rubs").first.click()
    page.wait_for_url("**/guidance/techniques/arch-rubs/")
    shot("technique")
    page.get_by_role("link", name="See both sizes").click()
    page.wait_for_url(f"**{shop.get_absolute_url()}")
    shot("product")
    _basket_with_code(page, shot)
    _guest_checkout(page, shot, "ann@example.com")
    shot("stripe-card-page")
    _pay(page, PAYS)
    order = _assert_thank_you(page, shot, "ann@example.com")

    assert Result.objects.count() == 1
    violations = {name: v for name, v in found.items() if v}
    assert violations == {}, violations
    ours = [url for url in requested if url.startswith(live_server.url)]
    theirs = [url for url in requested if not url.startswith(live_server.url)]
    assert ours and all("/pay/" in url for url in theirs)  # only the card page is elsewhere
    assert order.number


def test_code_link_before_the_basket_has_anything(page, screenshot, shop):
    page.goto("/code/GETINFUSED/")
    page.wait_for_load_state()
    assert "GETINFUSED" in _text(page.locator("#messages"))
    screenshot(page, "code-kept")

    page.goto(shop.get_absolute_url())
    page.get_by_label("2 oz").check()
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_load_state()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cart").click()
    page.wait_for_url("**/basket/")
    _assert_basket_totals(page)
    screenshot(page, "basket-with-code")


def test_a_failed_3d_secure_check_then_a_card_that_pays(page, screenshot, shop):
    page.goto(shop.get_absolute_url())
    _basket_with_code(page, lambda name: None)
    _guest_checkout(page, lambda name: None, "bo@example.com")

    _pay(page, ASKS_FOR_3DS)
    page.wait_for_url(re.compile(r".*/authenticate/.*"))
    screenshot(page, "3ds-challenge")
    page.get_by_role("button", name="Fail").click()
    page.wait_for_url(re.compile(r".*/pay/cs_[\w-]+\?error=authentication_failed$"))
    assert page.get_by_role("alert").is_visible()
    screenshot(page, "3ds-failed")
    assert Order.objects.get().status != "Paid"

    _pay(page, DECLINED)
    assert "declined" in page.get_by_role("alert").inner_text().lower()
    screenshot(page, "declined")

    _pay(page, PAYS)
    _assert_thank_you(page, lambda name: screenshot(page, name), "bo@example.com")


def test_cancel_on_the_payment_page_change_the_cart_then_pay_once(page, screenshot, shop):
    """Issue 13: cancel on Stripe's page, change the basket, pay: one paid order (the
    cancelled one keeps nothing), at the new total with the code."""
    page.goto(shop.get_absolute_url())
    _basket_with_code(page, lambda name: None)
    _guest_checkout(page, lambda name: None, "cy@example.com")
    page.get_by_role("link", name="Cancel and return to the shop").click()
    page.wait_for_url("**/basket/")
    assert "nothing was charged" in _text(page.locator("#messages"))
    _assert_basket_totals(page)
    screenshot(page, "cancelled-basket-back")

    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Update").click()
    page.wait_for_url("**/basket/")
    totals = _text(page.locator("#basket_totals"))
    assert "-$12.00" in totals and "$56.00" in totals  # $68 - $12, free shipping from $50
    page.get_by_role("link", name="Proceed to checkout").click()
    page.wait_for_url(re.compile(r".*/checkout/(preview/)?$"))
    if page.url.endswith("/checkout/"):  # asked who is buying again
        page.get_by_label("My email address is").fill("cy@example.com")
        page.get_by_label("I am a new customer and want to checkout as a guest").check()
        page.get_by_role("button", name="Continue").click()
    while "/preview/" not in page.url:
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    assert "$56.00" in _text(page.locator("main"))
    page.get_by_role("button", name="Pay securely with Stripe").click()
    page.wait_for_url(re.compile(r".*/pay/cs_[\w-]+$"))
    page.get_by_label("Card number").fill(PAYS)
    page.get_by_label("Expiry date (MM / YY)").fill("12 / 34")
    page.get_by_label("Security code (CVC)").fill("123")
    page.get_by_role("button", name="Pay $56.00").click()
    page.wait_for_url("**/checkout/thank-you/")
    screenshot(page, "paid-after-cancel")

    cancelled, paid = Order.objects.order_by("pk")
    assert (cancelled.status, paid.status) == ("Cancelled", "Paid")
    assert paid.number == f"{cancelled.number}-2"
    assert paid.total_incl_tax == Decimal("56.00")
    assert paid.sources.get().amount_debited == Decimal("56.00")
    assert [line.quantity for line in paid.lines.all()] == [2]
    stock = paid.lines.get().stockrecord
    stock.refresh_from_db()
    assert stock.num_allocated == 2

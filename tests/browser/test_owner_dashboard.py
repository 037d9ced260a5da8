"""The owner's dashboard in a desktop browser (issue 17): the launch checklist, a refund with
its confirmation (the stand-in's charge.refunded reaches the live server), the code's switch
and the funnel chart."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from oscar.core.loading import get_model

from guidance.services import guidance_content_setup
from shop.payment.models import CheckoutAttempt
from tests.helpers.checkout import checkout_to_stripe
from tests.stripe_standin import FAST_RETRIES

pytestmark = pytest.mark.django_db(transaction=True)

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")


@pytest.fixture
def paid_order(store, stripe_standin, live_server):
    guidance_content_setup()
    stripe_standin.configure(
        webhook_url=f"{live_server.url}/checkout/stripe/webhook/", auto_deliver=True
    )
    shopper = Client()
    shopper.post(f"/basket/add/{Product.objects.get(upc='RELEAF-2OZ').pk}/", {"quantity": 1})
    checkout_to_stripe(shopper)
    attempt = CheckoutAttempt.objects.get()
    stripe_standin.pay(attempt.session_id)
    shopper.get(f"/checkout/stripe/return/?session_id={attempt.session_id}")
    yield Order.objects.get()
    stripe_standin.configure(webhook_url="", auto_deliver=False, retry_delays=FAST_RETRIES)


def test_owner_refunds_part_of_an_order_and_switches_the_code_off(
    new_page, screenshot, paid_order, live_server
):
    owner = get_user_model().objects.create_superuser("owner", "owner@example.com", "pw")
    staff = Client()
    staff.force_login(owner)
    page = new_page(viewport="desktop")
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": staff.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    page.goto("/dashboard/")
    assert page.locator(".navbar-brand").inner_text() == "ReLeaf"
    checklist = page.locator("#launch-checklist")
    assert "The postal address in every page's footer and email is an example" in (
        checklist.inner_text()
    )
    screenshot(page, "home-checklist")

    page.goto(f"/dashboard/orders/{paid_order.number}/")
    page.get_by_role("link", name="Refund through Stripe…").click()
    amount = page.get_by_label("Amount to refund (USD)")
    assert amount.input_value() == "39.95"
    amount.fill("10.00")
    page.get_by_role("button", name="Review the refund").click()
    assert "$29.95 stays paid" in page.locator("main, #default, body").first.inner_text()
    screenshot(page, "refund-confirm")
    page.get_by_role("button", name="Yes, refund $10.00 through Stripe").click()
    page.wait_for_url(f"**/dashboard/orders/{paid_order.number}/")
    for _ in range(50):  # the stand-in's webhook reaches the live server on its own
        paid_order.refresh_from_db()
        if paid_order.status == "Partly refunded":
            break
        page.wait_for_timeout(100)
    assert paid_order.status == "Partly refunded"
    page.reload()
    assert "Confirmed by Stripe" in page.locator("#refunds").inner_text()
    screenshot(page, "order-partly-refunded")

    page.goto("/dashboard/vouchers/")
    page.get_by_role("button", name="Switch GETINFUSED off").click()
    assert page.get_by_role("button", name="Switch GETINFUSED on").is_visible()
    screenshot(page, "code-off")

    page.goto("/dashboard/funnel/?preset=week")
    assert page.locator("#funnel-chart svg[role=img]").is_visible()
    screenshot(page, "funnel")

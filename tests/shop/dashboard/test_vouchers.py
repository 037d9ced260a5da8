"""The code's Active switch on the coupon page and list; usage counted on paid orders."""

from decimal import Decimal

from django.test import Client
from oscar.core.loading import get_model

from shop.payment.models import CheckoutAttempt
from tests.helpers.checkout import checkout_to_stripe, discount_of, open_basket

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Voucher = get_model("voucher", "Voucher")


def test_switch_the_code_off_and_on(staff_client, small_jar):
    voucher = Voucher.objects.get(code="GETINFUSED")
    shopper = Client()
    shopper.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    shopper.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
    assert discount_of(open_basket()) == Decimal("12.00")

    page = staff_client.get(f"/dashboard/vouchers/stats/{voucher.pk}/").content.decode()
    assert "Switch GETINFUSED off" in page
    assert "Switching it off takes it out of every open basket the next time" in page
    response = staff_client.post(
        f"/dashboard/vouchers/active/{voucher.pk}/", {"active": "0"}, follow=True
    )
    page = response.content.decode()
    assert "it leaves every open basket that holds it, with a message" in page
    assert "Switch GETINFUSED on" in page
    basket = open_basket()
    assert discount_of(basket) == Decimal("0.00")  # no discount at once
    assert "$12.00" not in shopper.get("/basket/").content.decode()
    assert not open_basket(pk=basket.pk).vouchers.exists()  # left on its next view, as stated
    other = Client()
    other.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    other.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
    refused = Basket.objects.filter(status=Basket.OPEN).exclude(pk=basket.pk).get()
    assert not refused.vouchers.exists()  # refused while off

    listing = staff_client.get("/dashboard/vouchers/").content.decode()
    assert "Switch GETINFUSED on" in listing
    staff_client.post(
        f"/dashboard/vouchers/active/{voucher.pk}/",
        {"active": "1", "next": "/dashboard/vouchers/"},
    )
    shopper.post("/basket/vouchers/add/", {"code": "GETINFUSED"})  # entered again
    assert discount_of(open_basket(pk=basket.pk)) == Decimal("12.00")
    assert "Switch GETINFUSED off" in staff_client.get("/dashboard/vouchers/").content.decode()


def test_usage_counts_paid_orders_only(staff_client, small_jar, stripe_standin):
    voucher = Voucher.objects.get(code="GETINFUSED")
    for email, pay in (("paid@example.com", True), ("unpaid@example.com", False)):
        shopper = Client()
        shopper.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
        shopper.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
        checkout_to_stripe(shopper, email=email)
        if pay:
            attempt = CheckoutAttempt.objects.get(order__guest_email=email)
            stripe_standin.pay(attempt.session_id)
            shopper.get(f"/checkout/stripe/return/?session_id={attempt.session_id}")
    assert sorted(Order.objects.values_list("status", flat=True)) == ["Paid", "Pending payment"]
    page = staff_client.get(f"/dashboard/vouchers/stats/{voucher.pk}/").content.decode()
    usage = page[page.index('id="voucher-usage"') :]
    assert "<th>Paid orders</th>\n                <td>1</td>" in usage
    assert "<th>Discount given</th>\n                <td>$12.00</td>" in usage
    listing = staff_client.get("/dashboard/vouchers/").content.decode()
    assert "<td>1</td>\n                        <td>$12.00</td>" in listing

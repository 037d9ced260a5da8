"""One brand in the dashboard: our name, stock per size, the discount once, one Emails menu."""

from django.test import Client
from oscar.core.loading import get_model

from shop.payment.models import CheckoutAttempt
from tests.helpers.checkout import checkout_to_stripe

Order = get_model("order", "Order")


def test_our_name_and_the_emails_menu(staff_client, store):
    page = staff_client.get("/dashboard/").content.decode()
    assert '<a class="navbar-brand" href="#">ReLeaf</a>' in page
    assert "releaf/css/dashboard.css" in page
    menu = page[page.index("Emails") :]
    for link in ("/dashboard/comms/ORDER_PLACED/", "/email/preview/", "/dashboard/comms/"):
        assert f'href="{link}"' in menu
    assert page.count('href="/dashboard/comms/"') == 1  # no longer under Content too
    assert staff_client.get("/dashboard/comms/ORDER_PLACED/").status_code == 200


def test_the_parent_product_shows_stock_per_size(staff_client, store):
    listing = staff_client.get("/dashboard/catalogue/").content.decode()
    assert "Infused ReLeaf massage cream, 2 oz:" in listing
    assert listing.count("200 in stock") == 2
    page = staff_client.get(f"/dashboard/catalogue/products/{store.pk}/").content.decode()
    table = page[page.index('id="stock-per-size"') :]
    assert "<td>RELEAF-2OZ</td>" in table and "<td>RELEAF-4OZ</td>" in table
    assert "<td>$34.00</td>" in table and "<td>$58.00</td>" in table


def test_the_order_totals_show_the_discount_once(staff_client, small_jar, stripe_standin):
    shopper = Client()
    shopper.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    shopper.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
    checkout_to_stripe(shopper)
    order = Order.objects.get()
    page = staff_client.get(f"/dashboard/orders/{order.number}/").content.decode()
    lines = page[page.index('id="lines"') : page.index('id="shipping"')]
    assert lines.count("12.00") == 1
    assert CheckoutAttempt.objects.filter(order=order).exists()

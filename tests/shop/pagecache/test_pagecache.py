import re
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from shop.pagecache.context_processors import PLACEHOLDER
from tests.helpers.pagecache import add_four_oz, browser_cookies_only

ProductRecord = get_model("analytics", "ProductRecord")
StockRecord = get_model("partner", "StockRecord")

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_cached_product_page_costs_no_query_and_shows_a_price_edit_at_once(
    client, store, django_assert_num_queries
):
    url = store.get_absolute_url()
    assert b"58.00" in client.get(url).content
    with django_assert_num_queries(0):
        assert b"58.00" in Client().get(url).content

    record = StockRecord.objects.get(product__upc="RELEAF-4OZ")
    record.price = Decimal("61.50")
    record.save()

    page = Client().get(url).content
    assert b"61.50" in page
    assert b"58.00" not in page


def test_each_visitor_gets_a_working_csrf_token_in_a_cached_page(store):
    url = store.get_absolute_url()
    first = Client(enforce_csrf_checks=True)
    first_token = CSRF_INPUT.search(first.get(url).content).group(1)

    second = Client(enforce_csrf_checks=True)
    page = second.get(url).content
    second_token = CSRF_INPUT.search(page).group(1)
    assert PLACEHOLDER.encode() not in page
    assert second_token != first_token

    response = second.post(
        reverse("basket:add", kwargs={"pk": store.pk}),
        {
            "child_id": store.children.get(upc="RELEAF-4OZ").pk,
            "quantity": 1,
            "csrfmiddlewaretoken": second_token.decode(),
        },
    )
    assert response.status_code == 302


def test_a_signed_in_customer_gets_the_page_rendered_for_them(client, store, django_user_model):
    url = store.get_absolute_url()
    assert b">Account</a>" not in Client().get(url).content  # now cached for anonymous visitors
    customer = django_user_model.objects.create_user(
        username="ada", email="ada@example.com", password="pw"
    )
    client.force_login(customer)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert b">Account</a>" in client.get(url).content
    # No write on a GET: not Oscar's product-view counters, not the session.
    assert [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))] == []


def test_the_message_after_adding_shows_on_the_next_page(client, store):
    url = store.get_absolute_url()
    assert b"alert-success" not in Client().get(url).content  # cached without any message
    add_four_oz(client, store)
    assert b"alert-success" in client.get(url).content


def test_a_cached_basket_page_follows_its_lines(client, store, django_assert_num_queries):
    add_four_oz(client, store)
    client.get("/basket/")  # shows the message
    browser = browser_cookies_only(client)
    browser.get("/basket/")
    with django_assert_num_queries(0):
        page = browser.get("/basket/").content
    assert b"Infused ReLeaf massage cream, 4 oz" in page
    assert b"Infused ReLeaf massage cream, 2 oz" not in page

    two_oz = store.children.get(upc="RELEAF-2OZ")
    client.post(
        reverse("basket:add", kwargs={"pk": store.pk}), {"child_id": two_oz.pk, "quantity": 1}
    )
    client.get("/basket/")  # shows the message
    assert b"Infused ReLeaf massage cream, 2 oz" in browser.get("/basket/").content


def test_viewing_a_product_writes_nothing_but_adding_it_still_counts(client, store):
    for _ in range(2):
        assert client.get(store.get_absolute_url()).status_code == 200
    assert ProductRecord.objects.count() == 0

    add_four_oz(client, store)
    four_oz = store.children.get(upc="RELEAF-4OZ")
    assert list(
        ProductRecord.objects.values_list("product", "num_views", "num_basket_additions")
    ) == [(four_oz.pk, 0, 1)]


def test_a_forged_basket_cookie_gets_a_rendered_empty_basket(client, store):
    client.cookies["oscar_open_basket"] = "1:not-our-signature"
    response = client.get("/basket/")
    assert response.status_code == 200
    assert b"Your cart is empty." in response.content


def test_the_cached_checkout_first_page_follows_the_basket_and_the_stock(client, store):
    add_four_oz(client, store)
    guest = browser_cookies_only(client)
    guest.get("/basket/")  # shows the "added" message
    guest = browser_cookies_only(guest)
    assert guest.get("/checkout/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert guest.get("/checkout/").status_code == 200
    assert len(queries) == 0  # from the page cache
    assert "sessionid" not in guest.cookies

    # Sold out since: the stored page must not let the guest on.
    record = StockRecord.objects.get(product__upc="RELEAF-4OZ")
    record.num_in_stock = 0
    record.save()
    response = guest.get("/checkout/")
    assert response.status_code == 302
    assert response["Location"] == reverse("basket:summary")


def test_a_guest_who_gave_an_email_gets_the_first_page_rendered_with_it(client, store):
    add_four_oz(client, store)
    guest = browser_cookies_only(client)
    guest.get("/basket/")
    guest = browser_cookies_only(guest)
    other = browser_cookies_only(guest)  # the same basket, no email: fills the page cache
    assert other.get("/checkout/").status_code == 200
    response = guest.post("/checkout/", {"username": "ann@example.com", "options": "anonymous"})
    assert response.status_code == 302
    assert b"ann@example.com" in guest.get("/checkout/").content
    assert b"ann@example.com" not in other.get("/checkout/").content

"""Stock is shown as words, never the count; a basket line holds at most SHOP_MAX_LINE_QUANTITY."""

import pytest
from django.test import override_settings
from oscar.core.loading import get_model

Line = get_model("basket", "Line")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

CAP_MESSAGE = "You can order up to 10 of each size at a time."


def add(client, product, quantity, follow=False):
    return client.post(f"/basket/add/{product.pk}/", {"quantity": quantity}, follow=follow)


def quantities():
    return list(Line.objects.values_list("quantity", flat=True))


@pytest.mark.parametrize(
    ("stock", "wording"), [(200, "In stock"), (3, "Only 3 left"), (1, "Only 1 left"), (0, "")]
)
def test_basket_says_in_stock_or_only_n_left(client, small_jar, stock, wording):
    add(client, small_jar, 1)
    StockRecord.objects.filter(product=small_jar).update(num_in_stock=stock)
    page = client.get("/basket/").content.decode()
    assert "available)" not in page
    assert "200 available" not in page and "maximum" not in page
    if wording:
        assert wording in page


def test_product_page_says_sold_out_never_the_count(client, store, small_jar):
    StockRecord.objects.filter(product=small_jar).update(num_in_stock=0)
    page = client.get(store.get_absolute_url()).content.decode()
    assert "Sold out" in page
    assert "available)" not in page


def test_adding_more_than_the_cap_is_refused_with_a_friendly_message(client, small_jar):
    response = add(client, small_jar, 150, follow=True)
    assert CAP_MESSAGE in response.content.decode()
    assert quantities() == []
    add(client, small_jar, 10)
    assert quantities() == [10]
    response = add(client, small_jar, 1, follow=True)
    assert CAP_MESSAGE in response.content.decode()
    assert quantities() == [10]


def test_basket_line_update_above_the_cap_is_refused(client, small_jar):
    add(client, small_jar, 2)
    line = Line.objects.get()
    page = client.get("/basket/").content.decode()
    assert 'max="10"' in page
    response = client.post(
        "/basket/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(line.pk),
            "form-0-quantity": "11",
        },
        follow=True,
    )
    assert CAP_MESSAGE in response.content.decode()
    assert quantities() == [2]


@override_settings(SHOP_MAX_LINE_QUANTITY=3)
def test_the_cap_is_a_setting(client, small_jar):
    response = add(client, small_jar, 4, follow=True)
    assert "up to 3 of each size" in response.content.decode()
    assert quantities() == []


def test_asking_for_more_than_the_few_left_names_how_many(client, small_jar):
    StockRecord.objects.filter(product=small_jar).update(num_in_stock=3)
    response = add(client, small_jar, 5, follow=True)
    assert "Only 3 left: please choose 3 or fewer." in response.content.decode()

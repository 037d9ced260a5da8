"""SQL queries per anonymous page: the same at 20 and at 2,000 products, and within budget.

Each test counts a page at 20 products, grows the catalogue to 2,000 and counts again: the two
counts must be equal (nothing loads per product) and within the page's budget (issue 7: at most
10). "Rendered" is what the view costs (page cache off: a visitor with a session, or the first
visitor after an edit); "served" is what a visitor without a session costs once the page is
cached. Caches other than the page cache (category tree, thumbnails) are warm in both, as they
are in production after the first request.
"""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from bench.data import bench_catalogue_set

Product = get_model("catalogue", "Product")

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def cream(db):
    bench_catalogue_set(products=20)
    return Product.objects.get(slug="infused-releaf")


def _grow_catalogue():
    bench_catalogue_set(products=2000)
    assert Product.objects.browsable().count() == 2000


def _add_to_basket(client, cream, *, code: str = ""):
    four_oz = cream.children.get(upc="RELEAF-4OZ")
    response = client.post(
        reverse("basket:add", kwargs={"pk": cream.pk}), {"child_id": four_oz.pk, "quantity": 1}
    )
    assert response.status_code == 302
    if code:
        assert client.post(reverse("basket:vouchers-add"), {"code": code}).status_code == 302
    client.get("/basket/")  # shows, and so clears, the "added to your basket" message
    # What a browser does with a cookie the server deleted (the test client keeps it, empty).
    for name in [name for name, morsel in client.cookies.items() if not morsel.value]:
        del client.cookies[name]


def _queries(
    client, path, settings, django_assert_max_num_queries, *, cached: bool, shows: str = ""
) -> int:
    settings.SHOP_PAGE_CACHE_SECONDS = 600 if cached else 0
    # Warm the category tree and thumbnail caches, and the page cache: the second request
    # carries the recently-viewed cookie the first one set, which is part of the key.
    client.get(path)
    client.get(path)
    with django_assert_max_num_queries(100) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert shows in response.content.decode()
    writes = [q["sql"] for q in captured.captured_queries if q["sql"].startswith(WRITES)]
    assert writes == []
    return len(captured)


def _counts(
    client, path, settings, django_assert_max_num_queries, *, shows: str = ""
) -> list[tuple[int, int]]:
    """(rendered, served) at 20 products, then at 2,000."""
    counts = []
    for grow in (False, True):
        if grow:
            _grow_catalogue()
        counts.append(
            tuple(
                _queries(
                    client,
                    path,
                    settings,
                    django_assert_max_num_queries,
                    cached=cached,
                    shows=shows,
                )
                for cached in (False, True)
            )
        )
    return counts


@pytest.mark.parametrize(("path", "budget"), [("/", 10), ("/catalogue/", 10)])
def test_home_and_catalogue(client, cream, settings, django_assert_max_num_queries, path, budget):
    (rendered, served), at_2000 = _counts(client, path, settings, django_assert_max_num_queries)
    assert at_2000 == (rendered, served)
    assert rendered <= budget
    assert served == 0


def test_product_page(client, cream, settings, django_assert_max_num_queries):
    url = cream.get_absolute_url()
    (rendered, served), at_2000 = _counts(client, url, settings, django_assert_max_num_queries)
    assert at_2000 == (rendered, served)
    assert rendered <= 10  # 20 with Oscar's view
    assert served == 0


def test_basket_with_one_line(client, cream, settings, django_assert_max_num_queries):
    _add_to_basket(client, cream)
    (rendered, served), at_2000 = _counts(
        client, "/basket/", settings, django_assert_max_num_queries, shows="$58.00"
    )
    assert at_2000 == (rendered, served)
    # Basket, its lines with product, parent, class and stock record, line attributes, stock
    # records, images of the product and its parent, vouchers (16 with Oscar's models).
    assert rendered == 7
    assert served == 0


def test_basket_with_getinfused(client, cream, settings, django_assert_max_num_queries):
    _add_to_basket(client, cream, code="GETINFUSED")
    (rendered, served), at_2000 = _counts(
        client, "/basket/", settings, django_assert_max_num_queries, shows="GETINFUSED"
    )
    assert at_2000 == (rendered, served)
    assert rendered == 8  # the above and the voucher's offers (33 with Oscar's)
    assert served == 0


@pytest.mark.parametrize(("code", "budget"), [("", 7), ("GETINFUSED", 8)])
def test_checkout_first_page(client, cream, settings, django_assert_max_num_queries, code, budget):
    _add_to_basket(client, cream, code=code)
    (rendered, served), at_2000 = _counts(
        client, "/checkout/", settings, django_assert_max_num_queries, shows='name="username"'
    )
    assert at_2000 == (rendered, served)
    assert rendered == budget  # 17 with Oscar's models and templates
    # A guest shown the first page has no session yet (Oscar's checkout made one): the page
    # cache serves it, keyed by the basket.
    assert served == 0
    assert "sessionid" not in client.cookies


def test_code_link_for_a_new_visitor(client, cream, settings, django_assert_max_num_queries):
    """/code/GETINFUSED/ from a marketing email: the code waits in a new session until the
    basket has a line. The voucher with whether its offer is open (one query; two before), the
    landing page from the data-version cache (a query before), and the new session: Django
    checks that its key is free, then inserts it (a savepoint here, a transaction in production)."""
    settings.SHOP_CODE_RATE_LIMIT = "1000/m"
    client.get("/code/GETINFUSED/")  # an earlier visitor warmed the data-version cache
    client.cookies.clear()
    with django_assert_max_num_queries(100) as captured:
        response = client.get("/code/GETINFUSED/")
    assert response.status_code == 302
    assert response["Location"] == cream.get_absolute_url()
    assert client.session["shop_pending_code"] == "GETINFUSED"
    tables = [q["sql"].split('"', 2)[1] if '"' in q["sql"] else q["sql"] for q in captured]
    assert len(captured) == 5, tables
    assert tables[0] == "voucher_voucher"


def test_code_link_landing_page_follows_a_product_edit(client, cream, settings):
    """The cached landing page is the data version's: a staff edit shows on the next link."""
    settings.SHOP_CODE_RATE_LIMIT = "1000/m"
    assert client.get("/code/GETINFUSED/")["Location"] == cream.get_absolute_url()
    cream.slug = "infused-releaf-cream"  # no longer the cream the link lands on
    cream.save()
    client.cookies.clear()
    assert client.get("/code/GETINFUSED/")["Location"] == "/catalogue/"

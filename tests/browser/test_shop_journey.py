"""The shop half of journey 1 in a real browser: home -> catalogue -> product -> basket."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def _header_basket_count(page) -> str:
    return page.locator(".site-nav .basket-count").inner_text().split()[0]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_home_to_basket(new_page, live_server, screenshot, store, viewport):
    page = new_page(viewport=viewport)
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Is your foot feeding your back pain?"
    )
    assert _header_basket_count(page) == "0"
    screenshot(page, "home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Shop").click()
    page.wait_for_url("**/catalogue/")
    assert page.locator(".product_pod h2").all_inner_texts() == ["Infused ReLeaf massage cream"]
    assert page.locator(".product_pod .size-prices li").all_inner_texts() == [
        "2 oz\n$34.00",
        "4 oz\n$58.00",
    ]
    screenshot(page, "catalogue")

    page.get_by_role("link", name="Choose a size").click()
    page.wait_for_url(f"**{store.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == "Infused ReLeaf massage cream"
    screenshot(page, "product")

    page.get_by_label("2 oz").check()
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_load_state()
    assert "Added to your cart" in page.locator("#messages").inner_text()
    assert _header_basket_count(page) == "1"
    screenshot(page, "product-added")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cart").click()
    page.wait_for_url("**/basket/")
    assert page.locator(".basket-items h2").all_inner_texts() == [
        "Infused ReLeaf massage cream, 2 oz"
    ]
    assert page.locator(".basket-line-total").inner_text().split()[-1] == "$34.00"
    screenshot(page, "basket")

    # No framework JavaScript on customer pages and nothing fetched from anywhere else.
    assert page.locator("script").count() == 0
    assert [url for url in requested if not url.startswith(live_server.url)] == []


def test_basket_works_without_javascript(new_page, store):
    page = new_page(javascript=False)
    page.goto(store.get_absolute_url())
    page.get_by_label("4 oz").check()
    page.get_by_label("Quantity").fill("1")
    page.get_by_role("button", name="Add to cart").click()
    page.goto("/basket/")

    page.get_by_label("Quantity").fill("3")
    page.get_by_role("button", name="Update").click()
    assert page.locator(".basket-line-total").inner_text().split()[-1] == "$174.00"
    assert _header_basket_count(page) == "3"

    page.get_by_role("button", name="Remove").click()
    assert page.locator(".basket-items").count() == 0
    assert "Your cart is empty." in page.locator("#content_inner").inner_text()
    assert _header_basket_count(page) == "0"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_shop_pages_have_no_axe_violations(new_page, axe_violations, store, viewport):
    page = new_page(viewport=viewport)
    found = {}
    for name, path in [
        ("home", "/"),
        ("catalogue", "/catalogue/"),
        ("product", store.get_absolute_url()),
        ("privacy", "/privacy/"),
        ("empty basket", "/basket/"),
    ]:
        page.goto(path)
        found[name] = axe_violations(page)
    page.goto(store.get_absolute_url())
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_load_state()
    found["product with message"] = axe_violations(page)
    page.goto("/basket/")
    found["basket"] = axe_violations(page)
    assert found == {name: [] for name in found}

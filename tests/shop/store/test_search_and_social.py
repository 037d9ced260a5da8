"""robots.txt, sitemap.xml, canonical links, JSON-LD and link-preview tags; the product page's
details and the shipping and returns page."""

import json
import re

import pytest
from oscar.core.loading import get_model

from guidance.services import guidance_content_setup

ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
StockRecord = get_model("partner", "StockRecord")

SITE = "http://127.0.0.1:8000"  # SITE_URL in the test settings

# schema.org / Google's required (and recommended) properties for each type we publish.
REQUIRED = {
    "Product": {"name", "offers", "image", "description"},
    "Offer": {"price", "priceCurrency", "availability", "url"},
    "BreadcrumbList": {"itemListElement"},
    "ListItem": {"position", "name", "item"},
    "Organization": {"name", "url", "logo"},
}


def json_ld(page: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(block) for block in blocks]


def assert_valid(item: dict) -> None:
    """Every typed object, nested ones included, has its required properties."""
    kind = item.get("@type")
    if kind in REQUIRED:
        assert REQUIRED[kind] <= item.keys(), (kind, REQUIRED[kind] - item.keys())
    for value in item.values():
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, dict):
                assert_valid(child)


@pytest.fixture
def shop(store):
    guidance_content_setup()
    return store


def test_robots_disallows_results_and_checkout(client, shop):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /guidance/results/" in lines
    assert "Disallow: /checkout/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


def test_sitemap_lists_home_techniques_catalogue_product_and_pages(client, shop, settings):
    page = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>(.*?)</loc>", page)
    host = "http://127.0.0.1:8000"
    for path in (
        "/",
        "/guidance/techniques/",
        "/guidance/techniques/twists/",
        "/guidance/techniques/achilles-massage/",
        "/catalogue/",
        shop.get_absolute_url(),
        "/privacy/",
    ):
        assert f"{host}{path}" in locations
    assert not [loc for loc in locations if "/results/" in loc or "/checkout/" in loc]
    assert not [loc for loc in locations if "infused-releaf-2oz" in loc]  # sizes are no pages


def test_product_page_json_ld_has_an_offer_per_size(client, shop):
    StockRecord.objects.filter(product__upc="RELEAF-4OZ").update(num_in_stock=0)
    page = client.get(shop.get_absolute_url()).content.decode()
    product, breadcrumbs = json_ld(page)
    assert_valid(product)
    assert_valid(breadcrumbs)
    assert product["@context"] == "https://schema.org"
    assert product["name"] == "Infused ReLeaf massage cream"
    assert [
        (o["name"], o["price"], o["priceCurrency"], o["availability"]) for o in product["offers"]
    ] == [
        ("Infused ReLeaf massage cream, 2 oz", "34.00", "USD", "https://schema.org/InStock"),
        ("Infused ReLeaf massage cream, 4 oz", "58.00", "USD", "https://schema.org/OutOfStock"),
    ]
    assert product["image"][0].startswith(f"{SITE}/media/")
    assert [i["name"] for i in breadcrumbs["itemListElement"]] == [
        "Home",
        "Massage cream",
        "Infused ReLeaf massage cream",
    ]
    assert [i["position"] for i in breadcrumbs["itemListElement"]] == [1, 2, 3]


def test_home_has_organization(client, shop):
    (organization,) = json_ld(client.get("/").content.decode())
    assert_valid(organization)
    assert organization["url"] == f"{SITE}/"


@pytest.mark.parametrize("path", ["/", "/guidance/techniques/arch-rubs/", "product"])
def test_link_previews_carry_the_product_photo_and_a_canonical(client, shop, path):
    path = shop.get_absolute_url() if path == "product" else path
    page = client.get(f"{path}?utm_source=blog").content.decode()
    assert f'<link rel="canonical" href="{SITE}{path}">' in page
    assert f'<meta property="og:url" content="{SITE}{path}">' in page
    image = re.search(r'<meta property="og:image" content="([^"]+)">', page)
    assert image and image.group(1).startswith(f"{SITE}/media/")
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert re.search(r'<meta property="og:title" content="[^"]+">', page)


def test_json_ld_cannot_be_closed_by_staff_text(client, shop):
    shop.meta_description = "</script><script>alert(1)</script>"
    shop.save()
    page = client.get(shop.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in page
    assert json_ld(page)[0]["description"] == "alert(1)"  # tags stripped, then escaped


def test_product_page_shows_the_filled_details_and_links_shipping_and_returns(client, shop):
    page = client.get(shop.get_absolute_url()).content.decode().replace("&#x27;", "'")
    assert "<dt>Net weight</dt>" in page
    assert "<dd>2 oz (57 g)</dd>" in page and "<dd>4 oz (113 g)</dd>" in page
    assert "<dt>How to use</dt>" in page and "<dt>Warnings</dt>" in page
    assert "Ingredients (INCI)" not in page  # empty until staff enter the real list
    assert '<a href="/shipping-returns/">Shipping and returns</a>' in page


def test_staff_filled_ingredients_show(client, shop):
    ProductAttributeValue.objects.create(
        product=shop,
        attribute=ProductAttribute.objects.get(code="ingredients"),
        value_text="Aqua, Cannabis Sativa Seed Oil, Menthol",
    )
    page = client.get(shop.get_absolute_url()).content.decode()
    assert "<dt>Ingredients (INCI)</dt>" in page
    assert "<dd>Aqua, Cannabis Sativa Seed Oil, Menthol</dd>" in page


def test_shipping_and_returns_is_a_flat_page_linked_from_the_footer(client, shop):
    response = client.get("/shipping-returns/")
    assert response.status_code == 200
    assert "50 US states and the District of Columbia" in response.content.decode()
    assert (
        '<a href="/shipping-returns/">Shipping and returns</a>' in client.get("/").content.decode()
    )

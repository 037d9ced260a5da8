"""The shared layout every customer page wears: header, footer, no scripts, nothing third-party."""

import re

from django.contrib.flatpages.models import FlatPage
from django.urls import reverse

from shop.store.services import store_setup


def _customer_pages(store) -> list[str]:
    return ["/", "/catalogue/", store.get_absolute_url(), "/basket/", "/privacy/"]


def _add_to_basket(client, store, upc="RELEAF-2OZ", quantity=1):
    child = store.children.get(upc=upc)
    response = client.post(
        reverse("basket:add", kwargs={"pk": store.pk}), {"child_id": child.pk, "quantity": quantity}
    )
    assert response.status_code == 302


def test_every_customer_page_has_the_header_and_footer(client, store, settings):
    settings.SHOP_POSTAL_ADDRESS = "ReLeaf, 1 Test Lane, Portland, OR 97201, USA"
    for path in _customer_pages(store):
        html = client.get(path).content.decode()
        assert '<a class="brand" href="/">' in html, path
        assert '<a href="/guidance/self-check/"' in html, path
        assert '<a href="/catalogue/"' in html, path
        assert re.search(r'class="basket-count">0<span class="visually-hidden"> items', html), path
        assert "<strong>Not medical advice.</strong>" in html, path
        assert '<a href="/guidance/red-flags/#red-flags">Check the red flags</a>' in html, path
        assert '<a href="/privacy/">Privacy</a>' in html, path
        assert "<address>ReLeaf, 1 Test Lane, Portland, OR 97201, USA</address>" in html, path


def test_the_header_counts_the_items_in_the_basket(client, store):
    _add_to_basket(client, store, quantity=2)
    _add_to_basket(client, store, upc="RELEAF-4OZ")
    html = client.get("/catalogue/").content.decode()
    assert 'class="basket-count">3<span class="visually-hidden"> items</span>' in html


def test_customer_pages_load_no_scripts_and_nothing_from_elsewhere(client, store):
    _add_to_basket(client, store)
    for path in _customer_pages(store):
        html = client.get(path).content.decode()
        # JSON-LD is data for search engines, not a script the browser runs or fetches
        html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
        assert "<script" not in html, path
        # the canonical link names this very page by its public address; nothing is fetched
        html = re.sub(r'<link rel="canonical" href="http://127\.0\.0\.1:8000/[^"]*">', "", html)
        urls = re.findall(r'(?:src|href)="([^"]*)"', html)
        assert urls, path
        assert [u for u in urls if not u.startswith(("/", "#"))] == [], path
        stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        assert stylesheets == ["/static/releaf/css/releaf.css"], path


def test_privacy_page_is_a_flat_page_staff_can_edit(client, store):
    response = client.get("/privacy/")
    assert response.status_code == 200
    assert "<h1>Privacy</h1>" in response.content.decode()

    page = FlatPage.objects.get(url="/privacy/")
    page.content = "<p>Edited by staff.</p>"
    page.save(update_fields=["content"])
    store_setup()
    assert FlatPage.objects.get(url="/privacy/").content == "<p>Edited by staff.</p>"
    assert "Edited by staff." in client.get("/privacy/").content.decode()


def test_dashboard_keeps_jquery_but_from_our_own_static_files(client, store, django_user_model):
    login = client.get("/dashboard/login/").content.decode()
    assert '<link rel="stylesheet" href="/static/releaf/css/releaf.css">' in login
    assert "<script" not in login

    staff = django_user_model.objects.create_user(
        username="staff", email="staff@example.com", password="pw", is_staff=True
    )
    client.force_login(staff)
    dashboard = client.get("/dashboard/").content.decode()
    assert '<script src="/static/oscar/js/jquery/jquery.min.js"></script>' in dashboard
    assert "googleapis" not in dashboard
    assert "/static/oscar/css/dashboard.css" in dashboard

"""Requests as the page-cache tests make them."""

from django.test import Client
from django.urls import reverse


def add_four_oz(client, cream):
    four_oz = cream.children.get(upc="RELEAF-4OZ")
    return client.post(
        reverse("basket:add", kwargs={"pk": cream.pk}), {"child_id": four_oz.pk, "quantity": 1}
    )


def browser_cookies_only(client):
    """A client with the cookies a browser would keep: those the server deleted are gone."""
    browser = Client()
    for name, morsel in client.cookies.items():
        if morsel.value:
            browser.cookies[name] = morsel.value
    return browser

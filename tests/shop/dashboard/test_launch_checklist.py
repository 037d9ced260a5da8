"""The launch checklist on the dashboard home and `manage.py launch_check`."""

import pytest
from django.contrib.flatpages.models import FlatPage
from django.core.management import CommandError, call_command
from oscar.core.loading import get_model

from shop.payment.models import StripeEvent

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")

READY = {
    "SHOP_POSTAL_ADDRESS": "ReLeaf, 12 Elm Road, Hudson, NY 12534, USA",
    "DEFAULT_FROM_EMAIL": "ReLeaf <hello@releaf.shop>",
    "STRIPE_SECRET_KEY": "sk_live_x",
    "ADMINS": [("Staff", "owner@releaf.shop")],
}


def checklist_keys(staff_client):
    page = staff_client.get("/dashboard/").content.decode()
    return [
        line.split('id="check-')[1].split('"')[0]
        for line in page.splitlines()
        if 'id="check-' in line
    ]


def test_items_appear_and_disappear(staff_client, store, settings):
    product = store
    assert checklist_keys(staff_client) == [
        "postal-address",
        "sender",
        "stripe-keys",
        "webhook",
        "privacy-page",
        "shipping-page",
        f"product-{product.pk}",
        "alerts",
    ]
    page = staff_client.get("/dashboard/").content.decode()
    assert "Infused ReLeaf massage cream has no ingredients." in page
    assert f'href="/dashboard/catalogue/products/{product.pk}/"' in page

    for name, value in READY.items():
        setattr(settings, name, value)
    StripeEvent.objects.create(event_id="evt_1", type="charge.refunded")
    privacy = FlatPage.objects.get(url="/privacy/")
    privacy.content = "<p>Ours.</p>"
    privacy.save()
    FlatPage.objects.filter(url="/shipping-returns/").update(content="<p>Ours.</p>")
    product.description += "<p>Ingredients: water, arnica, menthol.</p>"
    product.save()
    assert checklist_keys(staff_client) == []
    assert (
        "Launch checklist: nothing left to fix." in staff_client.get("/dashboard/").content.decode()
    )

    ProductImage.objects.filter(product=product).delete()
    assert checklist_keys(staff_client) == [f"product-{product.pk}"]


def test_command_fails_in_production_on_customer_visible_items(store, settings, capsys):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="customer-visible"):
        call_command("launch_check")
    out = capsys.readouterr().out
    assert "! The postal address in every page's footer and email is an example" in out
    assert "- No Stripe webhook has been received yet" in out

    for name, value in READY.items():
        setattr(settings, name, value)
    FlatPage.objects.filter(url__in=["/privacy/", "/shipping-returns/"]).update(
        content="<p>Ours.</p>"
    )
    Product.objects.filter(pk=store.pk).update(description="Ingredients: water.")
    call_command("launch_check")  # only the webhook is left: behind the scenes, no failure
    assert "1 item(s) on the checklist." in capsys.readouterr().out
    settings.DEBUG = True
    FlatPage.objects.filter(url="/shipping-returns/").delete()
    call_command("launch_check")  # with DEBUG on it lists and passes
    with pytest.raises(CommandError):
        call_command("launch_check", "--strict")

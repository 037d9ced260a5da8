"""A code switched off or ended by staff leaves the basket on its next view, with a message."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from shop.pagecache.services import page_cache_invalidate
from tests.helpers.checkout import messages_of, open_basket

ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")

MESSAGE = (
    "Code GETINFUSED can no longer be used, so we took it out of your cart. "
    "The total below is up to date."
)


def switch_off():
    ConditionalOffer.objects.filter(vouchers__code="GETINFUSED").update(
        status=ConditionalOffer.SUSPENDED
    )


def end():
    Voucher.objects.filter(code="GETINFUSED").update(
        end_datetime=timezone.now() - datetime.timedelta(minutes=1)
    )


@pytest.mark.parametrize("staff_change", [switch_off, end])
def test_code_leaves_the_basket_with_a_message(client, small_jar, staff_change):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    client.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
    assert client.get("/basket/").context["order_total"].incl_tax == Decimal("27.95")
    staff_change()
    page_cache_invalidate()  # a dashboard edit does this (queryset.update() sends no signal)
    response = client.get("/basket/")
    assert messages_of(response) == [MESSAGE]
    assert response.context["order_total"].incl_tax == Decimal("39.95")
    assert "-$12.00" not in response.content.decode()
    assert list(open_basket().vouchers.all()) == []
    again = client.get("/basket/")
    assert messages_of(again) == []  # said once

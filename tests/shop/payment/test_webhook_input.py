"""A validly signed webhook with a field we cannot read or store is a bad event: 400, one log
line, nothing stored, and so no retry loop (a 5xx makes Stripe deliver it again for days)."""

import json
import logging

import pytest
from django.conf import settings

from shop.payment.models import StripeEvent
from shop.payment.standin import sign


def _post(client, event: dict):
    payload = json.dumps(event)
    return client.post(
        "/checkout/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, settings.STRIPE_WEBHOOK_SECRET),
    )


EVENT = {
    "id": "evt_1",
    "type": "checkout.session.expired",
    "created": 1700000000,
    "data": {"object": {"id": "cs_test_1", "object": "checkout.session"}},
}


@pytest.mark.parametrize(
    "change",
    [
        {"created": 99999999999999999999},  # OverflowError in datetime.fromtimestamp
        {"created": -99999999999},  # out of datetime's range
        {"id": "evt_\x001"},  # PostgreSQL refuses NUL in text: a 503 before
        {"id": "evt_" + "x" * 300},  # longer than the event id column
        {"data": {"object": {"id": "cs_\x00", "object": "checkout.session"}}},
    ],
    ids=["overflow", "negative", "nul-id", "long-id", "nul-in-object"],
)
@pytest.mark.django_db
def test_an_unreadable_signed_event_is_a_logged_400(client, caplog, change):
    with caplog.at_level(logging.WARNING, logger="shop.payment.views"):
        response = _post(client, {**EVENT, **change})
    assert (response.status_code, response.content) == (400, b"bad event")
    assert [(r.levelname, r.reason) for r in caplog.records if r.name == "shop.payment.views"] == [
        ("WARNING", "unreadable")
    ]
    assert StripeEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_readable_event_for_an_unknown_session_is_still_accepted(client):
    assert _post(client, EVENT).status_code == 200
    assert list(StripeEvent.objects.values_list("event_id", flat=True)) == ["evt_1"]

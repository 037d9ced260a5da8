"""Checkout Sessions expire at expires_at on the stand-in's clock, once, with a webhook."""

import json
import time
import uuid
from decimal import Decimal

import pytest
import requests
import stripe

from shop.payment import client
from tests.stripe_standin import stripe_client

LINE_ITEMS = [
    {
        "quantity": 1,
        "price_data": {
            "currency": "usd",
            "unit_amount": 3990,
            "product_data": {"name": "ReLeaf order 100020"},
        },
    }
]


def _create(**params):
    return stripe_client().v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": LINE_ITEMS,
            "success_url": "http://shop.test/checkout/stripe/return/",
            **params,
        },
        options={"idempotency_key": str(uuid.uuid4())},
    )


def _expired_events(control, session_id):
    return control.events(type="checkout.session.expired", related_to=session_id)


def test_expires_at_defaults_to_24_hours_and_is_returned_as_given(stripe_standin):
    default = _create()
    assert default.expires_at - default.created == 24 * 60 * 60

    now = stripe_standin.clock()["now"]
    session = _create(expires_at=now + 3600)

    assert session.expires_at == now + 3600
    assert stripe_client().v1.checkout.sessions.retrieve(session.id).expires_at == now + 3600


@pytest.mark.parametrize(
    ("seconds", "message"),
    [
        (30 * 60 - 10, "must be at least 30 minutes from Checkout Session creation"),
        (24 * 60 * 60 + 10, "must be less than 24 hours from Checkout Session creation"),
    ],
)
def test_expires_at_outside_30_minutes_to_24_hours_is_refused(stripe_standin, seconds, message):
    now = stripe_standin.clock()["now"]

    with pytest.raises(stripe.InvalidRequestError) as raised:
        _create(expires_at=now + seconds)

    assert raised.value.http_status == 400
    assert raised.value.param == "expires_at"
    assert message in raised.value.user_message


def test_past_expires_at_the_session_is_expired_on_access_with_one_event(standin_clock):
    session = _create(expires_at=standin_clock.clock()["now"] + 45 * 60)
    other = client.checkout_session_retrieve(session_id=_create().id)  # 24 h: stays open

    clock = standin_clock.advance_clock(45 * 60)

    assert clock["offset"] == 45 * 60
    expired = client.checkout_session_retrieve(session_id=session.id)
    assert (expired.status, expired.url, expired.payment_status) == ("expired", None, "unpaid")
    assert client.checkout_session_retrieve(session_id=other.id).status == "open"
    [event] = _expired_events(standin_clock, session.id)
    assert event.event["created"] >= session.expires_at
    assert event.event["data"]["object"]["status"] == "expired"
    # Every later access sees it expired and emits nothing more.
    standin_clock.advance_clock(60)
    assert standin_clock.expire(session.id).status_code == 400
    assert standin_clock.pay(session.id).status_code == 400
    assert requests.get(f"{standin_clock.base_url}/pay/{session.id}", timeout=5).status_code == 410
    client.checkout_session_retrieve(session_id=session.id)
    assert len(_expired_events(standin_clock, session.id)) == 1


def _delivered_for(receiver, session_id, timeout=10):
    """What the stand-in POSTed about this session (others' events may arrive too)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        received = receiver.wait_for(len(receiver.requests) + 1, timeout=0.5)
        mine = [(h, b) for h, b in received if json.loads(b)["data"]["object"]["id"] == session_id]
        if mine:
            return mine
    return []


def test_the_sweeper_expires_a_session_and_sends_the_webhook_unasked(
    standin_clock, webhook_receiver
):
    receiver = webhook_receiver(200)
    session = _create(expires_at=standin_clock.clock()["now"] + 30 * 60 + 5)
    # Two seconds before expiry; from here only real time passes and nobody asks the stand-in.
    standin_clock.advance_clock(session.expires_at - standin_clock.clock()["now"] - 2)

    [(headers, body)] = _delivered_for(receiver, session.id)

    event = client.webhook_event_construct(
        payload=body, signature_header=headers["Stripe-Signature"]
    )
    assert event.type == "checkout.session.expired"
    assert event.created.timestamp() >= session.expires_at
    assert client.CheckoutSession.from_stripe_data(event.data_object).status == "expired"
    time.sleep(1.5)  # a sweep or two later: still exactly once
    assert [e.id for e in _expired_events(standin_clock, session.id)] == [event.id]
    about_it = [
        b for _, b in receiver.requests if json.loads(b)["data"]["object"]["id"] == session.id
    ]
    assert len(about_it) == 1


def test_a_session_paid_or_expired_by_hand_does_not_expire_again(standin_clock):
    paid = client.checkout_session_retrieve(session_id=_create().id)
    assert standin_clock.pay(paid.id).status_code == 200
    by_hand = _create()
    client.checkout_session_expire(session_id=by_hand.id)

    standin_clock.advance_clock(24 * 60 * 60)

    assert client.checkout_session_retrieve(session_id=paid.id).status == "complete"
    assert _expired_events(standin_clock, paid.id) == []
    assert len(_expired_events(standin_clock, by_hand.id)) == 1


def test_the_clock_moves_created_forward_and_only_forward(standin_clock):
    before = standin_clock.clock()
    assert before["offset"] == 0

    after = standin_clock.advance_clock(7200)

    assert after["offset"] == 7200
    assert after["now"] >= before["now"] + 7200
    session = client.checkout_session_create(
        order_number="100021",
        amount=Decimal("1.00"),
        currency="usd",
        customer_email="",
        success_url="http://shop.test/ok",
        cancel_url="http://shop.test/cancel",
        metadata={},
        idempotency_key=str(uuid.uuid4()),
    )
    assert _create().created >= after["now"]
    standin_clock.pay(session.id)
    [completed] = standin_clock.events(related_to=session.id)
    assert completed.event["created"] >= after["now"]
    refused = requests.post(
        f"{standin_clock.base_url}/_standin/clock", data={"advance": "-1"}, timeout=5
    )
    assert refused.status_code == 400
    assert standin_clock.clock()["offset"] == 7200
    standin_clock.reset()
    assert standin_clock.clock()["offset"] == 0

"""The stand-in's signed webhooks, verified by shop.payment.client.webhook_event_construct."""

import json
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from shop.payment import client
from shop.payment.client import SignatureError
from shop.payment.standin import sign
from tests.stripe_standin import STANDIN_WEBHOOK_SECRET


def _session(amount=Decimal("49.90")):
    return client.checkout_session_create(
        order_number="100003",
        amount=amount,
        currency="usd",
        customer_email="pat@example.com",
        success_url="http://shop.test/ok/{CHECKOUT_SESSION_ID}",
        cancel_url="http://shop.test/cancel/",
        metadata={"order_number": "100003"},
        idempotency_key=str(uuid.uuid4()),
    )


def test_a_completed_event_verifies_and_carries_the_session(stripe_standin):
    session = _session()
    stripe_standin.pay(session.id)
    [signed] = stripe_standin.events(related_to=session.id)

    event = client.webhook_event_construct(
        payload=signed.payload, signature_header=signed.signature_header
    )

    assert (event.id, event.type) == (signed.id, "checkout.session.completed")
    assert event.created == datetime.fromtimestamp(signed.event["created"], tz=UTC)
    paid = client.CheckoutSession.from_stripe_data(event.data_object)
    assert paid == client.checkout_session_retrieve(session_id=session.id)
    assert (paid.amount_total, paid.currency, paid.client_reference_id) == (
        Decimal("49.90"),
        "usd",
        "100003",
    )


def test_a_refund_event_verifies(stripe_standin):
    session = _session()
    stripe_standin.pay(session.id)
    intent = client.checkout_session_retrieve(session_id=session.id).payment_intent_id
    client.refund_create(
        payment_intent_id=intent,
        amount=Decimal("9.90"),
        currency="usd",
        idempotency_key=str(uuid.uuid4()),
        metadata={},
    )
    [signed] = stripe_standin.events(type="charge.refunded", related_to=intent)

    event = client.webhook_event_construct(
        payload=signed.payload, signature_header=signed.signature_header
    )

    assert event.type == "charge.refunded"
    assert (event.data_object["payment_intent"], event.data_object["amount_refunded"]) == (
        intent,
        990,
    )


@pytest.fixture
def signed(stripe_standin):
    session = _session()
    stripe_standin.expire(session.id)
    [event] = stripe_standin.events(related_to=session.id)
    return event


def test_a_tampered_payload_raises_signature_error(signed):
    tampered = signed.payload.replace(b'"status": "expired"', b'"status": "complete"')
    assert tampered != signed.payload

    with pytest.raises(SignatureError):
        client.webhook_event_construct(payload=tampered, signature_header=signed.signature_header)


@pytest.mark.parametrize(
    "header",
    ["", "garbage", "t=1700000000", "t=now,v1=abc"],
)
def test_a_missing_or_malformed_signature_raises_signature_error(signed, header):
    with pytest.raises(SignatureError):
        client.webhook_event_construct(payload=signed.payload, signature_header=header)


def test_a_signature_with_another_secret_raises_signature_error(signed):
    forged = sign(signed.payload.decode(), "whsec_someone_else")

    with pytest.raises(SignatureError):
        client.webhook_event_construct(payload=signed.payload, signature_header=forged)


def test_a_replayed_old_signature_raises_signature_error(signed):
    stale = sign(signed.payload.decode(), STANDIN_WEBHOOK_SECRET, int(time.time()) - 600)

    with pytest.raises(SignatureError):
        client.webhook_event_construct(payload=signed.payload, signature_header=stale)


def test_a_validly_signed_body_that_is_not_an_event_raises_signature_error(stripe_standin):
    for body in ("not json", json.dumps({"id": "evt_1"}), "\udcff"):
        payload = body.encode("utf-8", "surrogateescape")
        header = sign(payload.decode("utf-8", "replace"), STANDIN_WEBHOOK_SECRET)
        with pytest.raises(SignatureError):
            client.webhook_event_construct(payload=payload, signature_header=header)


def test_delivers_signed_events_to_the_webhook_url(stripe_standin, webhook_receiver):
    receiver = webhook_receiver(200)
    session = _session()

    stripe_standin.pay(session.id)

    [(headers, body)] = receiver.wait_for(1)
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    event = client.webhook_event_construct(
        payload=body, signature_header=headers["Stripe-Signature"]
    )
    assert (event.type, event.data_object["id"]) == ("checkout.session.completed", session.id)
    [record] = _wait_until_settled(stripe_standin, session.id, attempts=1)
    assert (record.delivered, [a["status"] for a in record.attempts]) == (True, [200])


def test_retries_until_the_endpoint_answers_2xx(stripe_standin, webhook_receiver):
    receiver = webhook_receiver(500, 400, 200)
    session = _session()

    stripe_standin.expire(session.id)

    deliveries = receiver.wait_for(3)
    assert len({body for _, body in deliveries}) == 1  # the same event each time
    for headers, body in deliveries:
        client.webhook_event_construct(payload=body, signature_header=headers["Stripe-Signature"])
    [record] = _wait_until_settled(stripe_standin, session.id, attempts=3)
    assert (record.delivered, [a["status"] for a in record.attempts]) == (True, [500, 400, 200])


def test_gives_up_after_the_last_retry_when_the_endpoint_is_down(stripe_standin):
    stripe_standin.configure(webhook_url="http://127.0.0.1:9/", auto_deliver=True)
    session = _session()

    stripe_standin.expire(session.id)

    [record] = _wait_until_settled(stripe_standin, session.id, attempts=4)  # 1 + 3 retries
    assert (record.delivered, [a["status"] for a in record.attempts]) == (False, [0, 0, 0, 0])
    stripe_standin.configure(webhook_url="", auto_deliver=False)


def test_with_automatic_delivery_off_a_test_delivers_by_hand(stripe_standin, webhook_receiver):
    receiver = webhook_receiver(200, auto_deliver=False)
    session = _session()
    stripe_standin.pay(session.id)
    [record] = stripe_standin.events(related_to=session.id)
    assert (record.delivered, record.attempts) == (False, [])
    assert receiver.requests == []

    assert stripe_standin.deliver(record.id) == 200

    [(headers, body)] = receiver.wait_for(1)
    assert body == record.payload
    assert _wait_until_settled(stripe_standin, session.id, attempts=1)[0].delivered is True


def _wait_until_settled(stripe_standin, related_to, *, attempts, timeout=10.0):
    """Poll the stand-in until its events about an object have `attempts` delivery attempts."""
    deadline = time.monotonic() + timeout
    while True:
        records = stripe_standin.events(related_to=related_to)
        if all(len(r.attempts) >= attempts or r.delivered for r in records) or (
            time.monotonic() > deadline
        ):
            return records
        time.sleep(0.05)

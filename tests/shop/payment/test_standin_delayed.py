"""Delayed (bank debit) payments on the stand-in: completed unpaid, then settled later."""

import uuid
from decimal import Decimal

import pytest
import requests

from shop.payment import client
from tests.stripe_standin import STANDIN_API_KEY, stripe_client


@pytest.fixture
def session(stripe_standin):
    return client.checkout_session_create(
        order_number="100040",
        amount=Decimal("39.95"),
        currency="usd",
        customer_email="pat@example.com",
        success_url="http://shop.test/checkout/stripe/return/?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="http://shop.test/checkout/stripe/cancel/",
        metadata={"order_number": "100040"},
        idempotency_key=str(uuid.uuid4()),
    )


def _raw(stripe_standin, path):
    response = requests.get(
        f"{stripe_standin.base_url}{path}",
        headers={"Authorization": f"Bearer {STANDIN_API_KEY}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


def _event_session(stripe_standin, session_id, event_type):
    [event] = stripe_standin.events(type=event_type, related_to=session_id)
    return client.CheckoutSession.from_stripe_data(event.event["data"]["object"])


def test_a_delayed_payment_completes_unpaid_then_succeeds(session, stripe_standin):
    completed = stripe_standin.pay(session.id, method="delayed")

    assert completed.status_code == 200
    unpaid = client.checkout_session_retrieve(session_id=session.id)
    assert (unpaid.status, unpaid.payment_status, unpaid.url) == ("complete", "unpaid", None)
    in_event = _event_session(stripe_standin, session.id, "checkout.session.completed")
    assert (in_event.status, in_event.payment_status) == ("complete", "unpaid")
    assert in_event.payment_intent_id == unpaid.payment_intent_id  # exists, as on Stripe
    intent = _raw(stripe_standin, f"/v1/payment_intents/{unpaid.payment_intent_id}")
    assert (intent["status"], intent["amount_received"]) == ("processing", 0)

    assert stripe_standin.async_result(session.id, "succeeded").status_code == 200

    paid = client.checkout_session_retrieve(session_id=session.id)
    assert (paid.status, paid.payment_status) == ("complete", "paid")
    settled = _event_session(stripe_standin, session.id, "checkout.session.async_payment_succeeded")
    assert settled.payment_status == "paid"
    assert settled.payment_intent_id == paid.payment_intent_id
    intent = _raw(stripe_standin, f"/v1/payment_intents/{paid.payment_intent_id}")
    assert (intent["status"], intent["amount_received"]) == ("succeeded", 3995)
    assert intent["metadata"] == {"order_number": "100040"}
    charge = _raw(stripe_standin, f"/v1/charges/{intent['latest_charge']}")
    assert (charge["status"], charge["paid"]) == ("succeeded", True)
    assert charge["payment_method_details"]["type"] == "us_bank_account"
    assert [e.type for e in stripe_standin.events(related_to=session.id)] == [
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
    ]
    refund = client.refund_create(
        payment_intent_id=paid.payment_intent_id,
        amount=Decimal("39.95"),
        currency="usd",
        idempotency_key=str(uuid.uuid4()),
        metadata={},
    )
    assert refund.status == "succeeded"


def test_a_delayed_payment_that_fails_stays_unpaid(session, stripe_standin):
    stripe_standin.pay(session.id, method="delayed")

    assert stripe_standin.async_result(session.id, "failed").status_code == 200

    failed = client.checkout_session_retrieve(session_id=session.id)
    assert (failed.status, failed.payment_status) == ("complete", "unpaid")
    in_event = _event_session(stripe_standin, session.id, "checkout.session.async_payment_failed")
    assert in_event.payment_status == "unpaid"
    intent = _raw(stripe_standin, f"/v1/payment_intents/{failed.payment_intent_id}")
    assert (intent["status"], intent["amount_received"]) == ("requires_payment_method", 0)
    assert _raw(stripe_standin, f"/v1/charges/{intent['latest_charge']}")["status"] == "failed"
    # Settled once: neither outcome can follow.
    assert stripe_standin.async_result(session.id, "succeeded").status_code == 400
    assert [e.type for e in stripe_standin.events(related_to=session.id)] == [
        "checkout.session.completed",
        "checkout.session.async_payment_failed",
    ]


def test_async_result_needs_a_delayed_payment_waiting(session, stripe_standin):
    assert stripe_standin.async_result(session.id, "succeeded").status_code == 400  # open
    stripe_standin.pay(session.id)  # a card: paid at once
    assert stripe_standin.async_result(session.id, "succeeded").status_code == 400
    bad = stripe_standin.async_result(session.id, "maybe")
    assert (bad.status_code, bad.json()["error"]["param"]) == (400, "outcome")
    assert stripe_standin.async_result("cs_test_missing", "failed").status_code == 404
    assert [e.type for e in stripe_standin.events(related_to=session.id)] == [
        "checkout.session.completed"
    ]


def test_a_delayed_payment_needs_us_bank_account_among_the_types(stripe_standin):
    card_only = stripe_client().v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 500,
                        "product_data": {"name": "ReLeaf order 100041"},
                    },
                }
            ],
            "success_url": "http://shop.test/ok",
            "allowed_payment_method_types": ["card"],
        }
    )

    refused = stripe_standin.pay(card_only.id, method="delayed")

    assert refused.status_code == 400
    assert "does not accept us_bank_account payments" in refused.json()["error"]["message"]
    assert client.checkout_session_retrieve(session_id=card_only.id).status == "open"
    assert stripe_standin.events(related_to=card_only.id) == []
    assert stripe_standin.pay(card_only.id, method="cash").status_code == 400
    assert stripe_standin.pay(card_only.id).json()["payment_status"] == "paid"

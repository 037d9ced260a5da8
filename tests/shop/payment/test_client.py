"""shop.payment.client through the real `stripe` client, over HTTP to the stand-in."""

import uuid
from decimal import Decimal

import pytest
import requests
from django.test import override_settings

from shop.payment import client
from shop.payment.client import CheckoutSession, PaymentProviderError, Refund
from tests.stripe_standin import STANDIN_API_KEY


def _key() -> str:
    return f"test-{uuid.uuid4()}"


def _create(amount=Decimal("49.90"), *, key=None, order_number="100001", **overrides):
    params = {
        "order_number": order_number,
        "amount": amount,
        "currency": "USD",
        "customer_email": "pat@example.com",
        "success_url": "http://shop.test/checkout/stripe/return/?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://shop.test/checkout/stripe/cancel/",
        "metadata": {"order_number": order_number, "basket_id": "7"},
        "idempotency_key": key or _key(),
    }
    return client.checkout_session_create(**{**params, **overrides})


def _raw(stripe_standin, path):
    """What Stripe's API itself says, bypassing our dataclasses."""
    response = requests.get(
        f"{stripe_standin.base_url}{path}",
        headers={"Authorization": f"Bearer {STANDIN_API_KEY}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_create_sends_one_line_item_for_the_exact_amount_in_cents(stripe_standin):
    session = _create(Decimal("37.90"))

    assert session == CheckoutSession(
        id=session.id,
        url=f"{stripe_standin.base_url}/pay/{session.id}",
        status="open",
        payment_status="unpaid",
        amount_total=Decimal("37.90"),
        currency="usd",
        client_reference_id="100001",
        payment_intent_id=None,
        metadata={"order_number": "100001", "basket_id": "7"},
        expires_at=session.expires_at,
    )
    raw = _raw(stripe_standin, f"/v1/checkout/sessions/{session.id}")
    assert raw["amount_total"] == 3790
    assert raw["amount_subtotal"] == 3790
    assert raw["allow_promotion_codes"] is None
    assert raw["customer_email"] == "pat@example.com"
    assert raw["mode"] == "payment"


def test_payment_intent_carries_the_same_metadata(stripe_standin):
    session = _create(Decimal("0.50"))
    assert stripe_standin.pay(session.id).status_code == 200

    paid = client.checkout_session_retrieve(session_id=session.id)

    assert (paid.status, paid.payment_status) == ("complete", "paid")
    intent = _raw(stripe_standin, f"/v1/payment_intents/{paid.payment_intent_id}")
    assert intent["metadata"] == {"order_number": "100001", "basket_id": "7"}
    assert (intent["amount"], intent["currency"], intent["status"]) == (50, "usd", "succeeded")


def test_amounts_that_need_rounding_are_refused_before_calling_stripe(stripe_standin):
    before = len(stripe_standin.events())
    with pytest.raises(ValueError, match="not a whole number of minor units"):
        _create(Decimal("19.999"))
    assert client.amount_to_minor_units(Decimal("19.99"), "usd") == 1999
    assert client.amount_to_minor_units(Decimal("500"), "JPY") == 500
    assert len(stripe_standin.events()) == before


def test_the_same_idempotency_key_returns_the_same_session(stripe_standin):
    key = _key()
    first = _create(key=key)
    again = _create(key=key)
    other = _create()

    assert again == first
    assert other.id != first.id


def test_an_idempotency_key_reused_with_other_parameters_is_an_error(stripe_standin):
    key = _key()
    first = _create(Decimal("49.90"), key=key)

    with pytest.raises(PaymentProviderError) as error:
        _create(Decimal("37.90"), key=key)

    assert error.value.http_status == 400
    assert client.checkout_session_retrieve(session_id=first.id).amount_total == Decimal("49.90")


def test_retrieve_an_unknown_session_is_a_provider_error(stripe_standin):
    with pytest.raises(PaymentProviderError) as error:
        client.checkout_session_retrieve(session_id="cs_test_unknown")

    assert (error.value.http_status, error.value.code) == (404, "resource_missing")


def test_a_wrong_api_key_is_a_provider_error(stripe_standin):
    with override_settings(STRIPE_SECRET_KEY="sk_test_wrong"):
        with pytest.raises(PaymentProviderError) as error:
            _create()
    assert error.value.http_status == 401


def test_stripe_unreachable_is_a_provider_error(stripe_standin):
    with override_settings(STRIPE_API_BASE="http://127.0.0.1:9"):  # discard port: refused
        with pytest.raises(PaymentProviderError) as error:
            client.checkout_session_retrieve(session_id="cs_test_any")
    assert error.value.http_status is None


def test_expire_an_open_session_once(stripe_standin):
    session = _create()

    expired = client.checkout_session_expire(session_id=session.id)

    assert (expired.status, expired.payment_status, expired.url) == ("expired", "unpaid", None)
    assert client.checkout_session_retrieve(session_id=session.id).status == "expired"
    with pytest.raises(PaymentProviderError) as error:
        client.checkout_session_expire(session_id=session.id)
    assert error.value.http_status == 400
    assert [e.type for e in stripe_standin.events(related_to=session.id)] == [
        "checkout.session.expired"
    ]


def test_a_paid_session_cannot_be_expired(stripe_standin):
    session = _create()
    stripe_standin.pay(session.id)

    with pytest.raises(PaymentProviderError) as error:
        client.checkout_session_expire(session_id=session.id)

    assert error.value.http_status == 400
    assert client.checkout_session_retrieve(session_id=session.id).status == "complete"


def _paid_session(stripe_standin, amount=Decimal("49.90")) -> CheckoutSession:
    session = _create(amount)
    assert stripe_standin.pay(session.id).status_code == 200
    return client.checkout_session_retrieve(session_id=session.id)


def test_partial_refunds_add_up_and_each_sends_charge_refunded(stripe_standin):
    paid = _paid_session(stripe_standin)
    intent = paid.payment_intent_id

    first = client.refund_create(
        payment_intent_id=intent,
        amount=Decimal("10.00"),
        currency="usd",
        idempotency_key=_key(),
        metadata={"order_number": "100001"},
    )
    rest = client.refund_create(
        payment_intent_id=intent,
        amount=Decimal("39.90"),
        currency="usd",
        idempotency_key=_key(),
        metadata={},
    )

    assert first == Refund(
        id=first.id,
        amount=Decimal("10.00"),
        currency="usd",
        status="succeeded",
        payment_intent_id=intent,
    )
    assert (rest.amount, rest.status) == (Decimal("39.90"), "succeeded")
    charges = [
        e.event["data"]["object"]
        for e in stripe_standin.events(type="charge.refunded", related_to=intent)
    ]
    assert [(c["amount"], c["amount_refunded"], c["refunded"]) for c in charges] == [
        (4990, 1000, False),
        (4990, 4990, True),
    ]
    assert [r["id"] for r in charges[1]["refunds"]["data"]] == [rest.id, first.id]
    assert charges[1]["refunds"]["data"][1]["metadata"] == {"order_number": "100001"}


def test_a_full_refund_then_any_more_is_refused(stripe_standin):
    paid = _paid_session(stripe_standin, Decimal("12.00"))
    refund = client.refund_create(
        payment_intent_id=paid.payment_intent_id,
        amount=Decimal("12.00"),
        currency="USD",
        idempotency_key=_key(),
        metadata={},
    )
    assert refund.amount == Decimal("12.00")

    with pytest.raises(PaymentProviderError) as error:
        client.refund_create(
            payment_intent_id=paid.payment_intent_id,
            amount=Decimal("0.01"),
            currency="usd",
            idempotency_key=_key(),
            metadata={},
        )

    assert (error.value.http_status, error.value.code) == (400, "charge_already_refunded")
    assert (
        len(stripe_standin.events(type="charge.refunded", related_to=paid.payment_intent_id)) == 1
    )


def test_refunding_more_than_is_left_is_refused_and_changes_nothing(stripe_standin):
    paid = _paid_session(stripe_standin, Decimal("20.00"))

    with pytest.raises(PaymentProviderError) as error:
        client.refund_create(
            payment_intent_id=paid.payment_intent_id,
            amount=Decimal("20.01"),
            currency="usd",
            idempotency_key=_key(),
            metadata={},
        )

    assert (error.value.http_status, error.value.code) == (400, "amount_too_large")
    assert stripe_standin.events(type="charge.refunded", related_to=paid.payment_intent_id) == []


def test_a_repeated_refund_request_refunds_once(stripe_standin):
    paid = _paid_session(stripe_standin)
    key = _key()
    params = {
        "payment_intent_id": paid.payment_intent_id,
        "amount": Decimal("5.00"),
        "currency": "usd",
        "idempotency_key": key,
        "metadata": {},
    }

    assert client.refund_create(**params) == client.refund_create(**params)
    events = stripe_standin.events(type="charge.refunded", related_to=paid.payment_intent_id)
    assert [e.event["data"]["object"]["amount_refunded"] for e in events] == [500]


def test_refund_of_an_unknown_payment_is_a_provider_error(stripe_standin):
    with pytest.raises(PaymentProviderError) as error:
        client.refund_create(
            payment_intent_id="pi_unknown",
            amount=Decimal("1.00"),
            currency="usd",
            idempotency_key=_key(),
            metadata={},
        )
    assert (error.value.http_status, error.value.code) == (404, "resource_missing")

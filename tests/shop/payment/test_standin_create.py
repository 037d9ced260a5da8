"""The stand-in refuses what Stripe refuses on create: unknown parameters, metadata over
Stripe's limits, unknown payment method types; and accepts everything the shop sends."""

import uuid
from decimal import Decimal

import pytest
import stripe

from shop.payment import client
from shop.payment.client import PaymentProviderError
from tests.stripe_standin import newest_session_id, stripe_client

LINE_ITEMS = [
    {
        "quantity": 1,
        "price_data": {
            "currency": "usd",
            "unit_amount": 1500,
            "product_data": {"name": "ReLeaf order 100030"},
        },
    }
]
BEFORE_ENDIVE = "2025-09-30.clover"  # the last API version with payment_method_types on create


def _create(*, stripe_version=None, **params):
    return stripe_client(stripe_version=stripe_version).v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": LINE_ITEMS,
            "success_url": "http://shop.test/checkout/stripe/return/",
            **params,
        },
        options={"idempotency_key": str(uuid.uuid4())},
    )


def _shop_create(metadata):
    return client.checkout_session_create(
        order_number="100030",
        amount=Decimal("15.00"),
        currency="usd",
        customer_email="pat@example.com",
        success_url="http://shop.test/checkout/stripe/return/?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="http://shop.test/checkout/stripe/cancel/",
        metadata=metadata,
        idempotency_key=str(uuid.uuid4()),
    )


def test_everything_the_shop_sends_plus_expires_at_is_accepted(stripe_standin):
    # shop.payment.client's parameters, all of them, and the ones it is about to send.
    now = stripe_standin.clock()["now"]
    session = _create(
        client_reference_id="100030",
        cancel_url="http://shop.test/checkout/stripe/cancel/",
        customer_email="pat@example.com",
        metadata={"order_number": "100030"},
        payment_intent_data={"metadata": {"order_number": "100030"}},
        expires_at=now + 3600,
        allowed_payment_method_types=["card"],
    )

    assert (session.status, session.expires_at, session.payment_method_types) == (
        "open",
        now + 3600,
        ["card"],
    )
    assert _shop_create({"order_number": "100030"}).status == "open"


def test_an_unknown_session_parameter_is_refused_like_stripe(stripe_standin):
    before = newest_session_id(stripe_standin)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        _create(shipping_rate="shr_123")

    assert raised.value.http_status == 400
    assert (raised.value.code, raised.value.param) == ("parameter_unknown", "shipping_rate")
    assert raised.value.user_message == "Received unknown parameter: shipping_rate"
    assert newest_session_id(stripe_standin) == before


def test_an_unknown_refund_parameter_is_refused_and_nothing_is_refunded(stripe_standin):
    session = _shop_create({"order_number": "100030"})
    stripe_standin.pay(session.id)
    intent_id = client.checkout_session_retrieve(session_id=session.id).payment_intent_id

    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client().v1.refunds.create(
            params={"payment_intent": intent_id, "amount": 100, "refund_reason": "x"}
        )

    assert (raised.value.code, raised.value.param) == ("parameter_unknown", "refund_reason")
    assert stripe_standin.events(type="charge.refunded", related_to=intent_id) == []


@pytest.mark.parametrize(
    ("metadata", "param", "message"),
    [
        ({f"k{i}": "v" for i in range(51)}, "metadata", "up to 50 keys"),
        ({"k" * 41: "v"}, "metadata[" + "k" * 41 + "]", "up to 40 characters"),
        ({"note": "v" * 501}, "metadata[note]", "up to 500 characters"),
    ],
)
def test_metadata_over_stripes_limits_is_refused(stripe_standin, metadata, param, message):
    before = newest_session_id(stripe_standin)

    with pytest.raises(PaymentProviderError) as raised:
        _shop_create(metadata)

    assert raised.value.http_status == 400
    assert message in str(raised.value)
    assert newest_session_id(stripe_standin) == before
    with pytest.raises(stripe.InvalidRequestError) as direct:
        _create(metadata=metadata)
    assert direct.value.param == param


def test_metadata_at_stripes_limits_is_accepted(stripe_standin):
    metadata = {f"{i:02d}" + "k" * 38: "v" * 500 for i in range(50)}

    session = _shop_create(metadata)

    assert session.metadata == metadata


def test_a_refunds_metadata_is_held_to_the_same_limits(stripe_standin):
    session = _shop_create({"order_number": "100030"})
    stripe_standin.pay(session.id)
    intent_id = client.checkout_session_retrieve(session_id=session.id).payment_intent_id

    with pytest.raises(PaymentProviderError) as raised:
        client.refund_create(
            payment_intent_id=intent_id,
            amount=Decimal("1.00"),
            currency="usd",
            idempotency_key=str(uuid.uuid4()),
            metadata={"reason": "x" * 501},
        )

    assert raised.value.http_status == 400
    assert stripe_standin.events(type="charge.refunded", related_to=intent_id) == []


def test_without_payment_method_types_a_session_offers_card_and_bank_debit(stripe_standin):
    assert _create().payment_method_types == ["card", "us_bank_account"]


def test_the_stripe_16_api_version_has_no_payment_method_types_on_create(stripe_standin):
    # stripe 16 sends Stripe-Version 2026-10-28.endive; Stripe removed the parameter in
    # 2026-09-30.endive, so real Stripe would refuse it too.
    with pytest.raises(stripe.InvalidRequestError) as raised:
        _create(payment_method_types=["card"])

    assert (raised.value.code, raised.value.param) == ("parameter_unknown", "payment_method_types")
    assert "use allowed_payment_method_types" in raised.value.user_message


def test_allowed_payment_method_types_are_stored_and_returned(stripe_standin):
    session = _create(allowed_payment_method_types=["us_bank_account"])

    again = stripe_client().v1.checkout.sessions.retrieve(session.id)
    assert again.payment_method_types == ["us_bank_account"]
    assert again.allowed_payment_method_types == ["us_bank_account"]
    refused = stripe_standin.pay(session.id)  # a card
    assert refused.status_code == 400
    assert refused.json()["error"]["param"] == "method"
    assert stripe_client().v1.checkout.sessions.retrieve(session.id).status == "open"


def test_before_endive_payment_method_types_is_the_parameter(stripe_standin):
    session = _create(stripe_version=BEFORE_ENDIVE, payment_method_types=["card"])

    assert session.payment_method_types == ["card"]
    with pytest.raises(stripe.InvalidRequestError) as raised:
        _create(stripe_version=BEFORE_ENDIVE, allowed_payment_method_types=["card"])
    assert raised.value.code == "parameter_unknown"


@pytest.mark.parametrize(
    ("stripe_version", "param"),
    [(None, "allowed_payment_method_types"), (BEFORE_ENDIVE, "payment_method_types")],
)
def test_a_payment_method_type_not_switched_on_is_refused(stripe_standin, stripe_version, param):
    before = newest_session_id(stripe_standin)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        _create(stripe_version=stripe_version, **{param: ["card", "sepa_debit"]})

    assert raised.value.http_status == 400
    assert raised.value.param == f"{param}[1]"
    assert raised.value.user_message.startswith(
        "The payment method type provided: sepa_debit is invalid."
    )
    assert raised.value.user_message.endswith("This account has: card, us_bank_account.")
    assert newest_session_id(stripe_standin) == before

"""The stand-in is as strict as Stripe, through the real stripe client: a misspelt parameter
at any depth, a wrong type, an unknown currency, an over-long idempotency key are refused with
Stripe's error shapes; its objects carry every field stripe 16's types say Stripe sends; and a
session past its expires_at expires by itself and tells the webhook."""

import json
import uuid

import pytest
import stripe

from shop.payment import client
from tests.stripe_standin import newest_session_id, stripe_client

LINE_ITEMS = [
    {
        "quantity": 1,
        "price_data": {
            "currency": "usd",
            "unit_amount": 2500,
            "product_data": {"name": "ReLeaf order 100040"},
        },
    }
]
# Sent only when asked for with `expand` (Stripe's docs: "not included by default").
EXPANDABLE_ONLY = {"line_items"}
# Only on events for Connect accounts or event destinations.
EVENT_CONNECT_ONLY = {"account", "context"}


def _params(**overrides):
    return {
        "mode": "payment",
        "line_items": LINE_ITEMS,
        "success_url": "http://shop.test/checkout/stripe/return/",
        **overrides,
    }


def _create(params, *, idempotency_key=None):
    return stripe_client().v1.checkout.sessions.create(
        params=params, options={"idempotency_key": idempotency_key or str(uuid.uuid4())}
    )


def _refused(params, **kwargs) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as raised:
        _create(params, **kwargs)
    assert raised.value.http_status == 400
    return raised.value


def _stripe_fields(resource) -> set[str]:
    return {name for name in resource.__annotations__ if name != "OBJECT_NAME"}


def _about(receiver, session_id):
    return [
        (headers, body)
        for headers, body in receiver.requests
        if json.loads(body)["data"]["object"]["id"] == session_id
    ]


def test_a_misspelt_top_level_parameter_fails_with_parameter_unknown(stripe_standin):
    before = newest_session_id(stripe_standin)
    params = _params()
    params["sucess_url"] = params.pop("success_url")

    error = _refused(params)

    assert (error.code, error.param) == ("parameter_unknown", "sucess_url")
    assert error.user_message == "Received unknown parameter: sucess_url"
    assert error.error.doc_url == "https://stripe.com/docs/error-codes/parameter-unknown"
    assert error.error.type == "invalid_request_error"
    assert newest_session_id(stripe_standin) == before


def test_a_misspelt_nested_parameter_fails_with_its_full_path(stripe_standin):
    item = {**LINE_ITEMS[0], "price_data": {**LINE_ITEMS[0]["price_data"]}}
    item["price_data"]["unit_ammount"] = item["price_data"].pop("unit_amount")

    error = _refused(_params(line_items=[item]))

    assert (error.code, error.param) == (
        "parameter_unknown",
        "line_items[0][price_data][unit_ammount]",
    )


@pytest.mark.parametrize(
    ("overrides", "param", "message"),
    [
        (
            {"line_items": [{**LINE_ITEMS[0], "quantity": "one"}]},
            "line_items[0][quantity]",
            "Invalid integer: one",
        ),
        ({"allow_promotion_codes": "yes"}, "allow_promotion_codes", "Invalid boolean: yes"),
        ({"metadata": "order 100040"}, "metadata", "Invalid object"),
        ({"mode": "paymnet"}, "mode", "Invalid mode: must be one of payment, setup, subscription"),
        ({"client_reference_id": "x" * 201}, "client_reference_id", None),
    ],
)
def test_a_wrong_type_is_refused(stripe_standin, overrides, param, message):
    error = _refused(_params(**overrides))

    assert error.param == param
    if message is not None:
        assert error.user_message == message


def test_over_limit_metadata_is_refused(stripe_standin):
    error = _refused(_params(metadata={f"key{n}": "v" for n in range(51)}))

    assert error.param == "metadata"
    assert "up to 50 keys, but you passed in 51 keys" in error.user_message


@pytest.mark.parametrize("minutes", [29, 24 * 60 + 1])
def test_expires_at_outside_30_minutes_to_24_hours_is_refused(stripe_standin, minutes):
    now = stripe_standin.clock()["now"]

    error = _refused(_params(expires_at=now + minutes * 60))

    assert error.param == "expires_at"


@pytest.mark.parametrize("currency", ["usx", "us", "dollars"])
def test_an_unknown_currency_is_refused(stripe_standin, currency):
    item = {**LINE_ITEMS[0], "price_data": {**LINE_ITEMS[0]["price_data"], "currency": currency}}

    error = _refused(_params(line_items=[item]))

    assert error.param == "line_items[0][price_data][currency]"
    assert error.user_message.startswith(f"Invalid currency: {currency}.")


def test_a_made_up_payment_method_type_is_refused(stripe_standin):
    error = _refused(_params(allowed_payment_method_types=["crad"]))

    assert error.param == "allowed_payment_method_types[0]"
    assert error.user_message.startswith("Invalid allowed_payment_method_types[0]: must be one of")


def test_an_idempotency_key_over_255_characters_is_refused(stripe_standin):
    before = newest_session_id(stripe_standin)

    error = _refused(_params(), idempotency_key="k" * 256)

    assert error.user_message.startswith("Idempotent key length is 256")
    assert newest_session_id(stripe_standin) == before
    assert _create(_params(), idempotency_key="k" * 255).status == "open"


def test_the_same_idempotency_key_with_other_parameters_is_an_idempotency_error(stripe_standin):
    key = str(uuid.uuid4())
    _create(_params(client_reference_id="100040"), idempotency_key=key)

    with pytest.raises(stripe.IdempotencyError) as raised:
        _create(_params(client_reference_id="100041"), idempotency_key=key)

    assert raised.value.http_status == 400
    assert raised.value.error.type == "idempotency_error"


def test_retrieve_and_expire_know_only_expand(stripe_standin):
    session = _create(_params())
    sessions = stripe_client().v1.checkout.sessions

    with pytest.raises(stripe.InvalidRequestError) as raised:
        sessions.retrieve(session.id, params={"expnd": ["payment_intent"]})
    assert (raised.value.code, raised.value.param) == ("parameter_unknown", "expnd")
    assert sessions.retrieve(session.id, params={"expand": ["payment_intent"]}).id == session.id
    with pytest.raises(stripe.InvalidRequestError) as raised:
        sessions.expire(session.id, params={"reason": "abandoned"})
    assert (raised.value.code, raised.value.param) == ("parameter_unknown", "reason")


def test_a_refund_with_an_unknown_reason_is_refused(stripe_standin):
    session = _create(_params())
    paid = stripe_standin.pay(session.id).json()

    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client().v1.refunds.create(
            params={"payment_intent": paid["payment_intent"], "reason": "changed_mind"}
        )
    assert raised.value.param == "reason"


def test_objects_carry_every_field_stripe_always_sends(stripe_standin):
    api = stripe_client().v1
    session = _create(_params())
    paid = stripe_standin.pay(session.id).json()
    intent = api.payment_intents.retrieve(paid["payment_intent"])
    refund = api.refunds.create(params={"payment_intent": intent.id, "amount": 100})
    charge = api.charges.retrieve(intent.latest_charge)
    [event] = stripe_standin.events(type="checkout.session.completed", related_to=session.id)

    for resource, obj in [
        (stripe.checkout.Session, api.checkout.sessions.retrieve(session.id)),
        (stripe.PaymentIntent, intent),
        (stripe.Refund, refund),
        (stripe.Charge, charge),
    ]:
        assert _stripe_fields(resource) - EXPANDABLE_ONLY <= set(obj.to_dict()), resource
    assert _stripe_fields(stripe.Event) - EVENT_CONNECT_ONLY <= set(event.event)


def test_a_session_past_expires_at_expires_by_itself_and_fires_the_event(
    standin_clock, webhook_receiver
):
    receiver = webhook_receiver(200)
    session = _create(_params(expires_at=standin_clock.clock()["now"] + 30 * 60 + 5))

    standin_clock.advance_clock(31 * 60)  # nobody expires it: its expires_at has passed
    with receiver.received:  # other tests' sessions may expire too: wait for this one's
        receiver.received.wait_for(lambda: _about(receiver, session.id), timeout=10)
    [(headers, body)] = _about(receiver, session.id)

    event = client.webhook_event_construct(
        payload=body, signature_header=headers["Stripe-Signature"]
    )
    assert event.type == "checkout.session.expired"
    assert event.data_object["id"] == session.id
    assert client.checkout_session_retrieve(session_id=session.id).status == "expired"

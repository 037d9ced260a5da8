"""Faults injected into the stand-in's API, seen through shop.payment.client over HTTP."""

import threading
import time
import uuid
from decimal import Decimal

import pytest
import requests
from django.test import override_settings

from shop.payment import client
from shop.payment.client import PaymentProviderError
from shop.payment.standin import StandinServer
from shop.payment.standin.control import StandinControl
from tests.stripe_standin import STANDIN_API_KEY, newest_session_id


def _create(**overrides):
    params = {
        "order_number": "100010",
        "amount": Decimal("49.90"),
        "currency": "usd",
        "customer_email": "pat@example.com",
        "success_url": "http://shop.test/checkout/stripe/return/?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://shop.test/checkout/stripe/cancel/",
        "metadata": {"order_number": "100010"},
        "idempotency_key": str(uuid.uuid4()),
    }
    return client.checkout_session_create(**{**params, **overrides})


@pytest.mark.parametrize(
    ("mode", "http_status", "code", "message"),
    [
        ("error_500", 500, None, "Something went wrong on Stripe's end"),
        ("error_400", 400, "parameter_invalid_empty", "You passed an empty string for 'mode'."),
        ("error_401", 401, None, "Invalid API Key provided: sk_test_"),
    ],
)
def test_an_error_fault_raises_with_stripes_status_and_creates_nothing(
    standin_faults, mode, http_status, code, message
):
    before = newest_session_id(standin_faults)
    standin_faults.fault(mode)
    key = str(uuid.uuid4())

    with pytest.raises(PaymentProviderError) as raised:
        _create(idempotency_key=key)

    assert (raised.value.http_status, raised.value.code) == (http_status, code)
    assert message in str(raised.value)
    # Until cleared, every API request gets it.
    with pytest.raises(PaymentProviderError):
        client.checkout_session_retrieve(session_id="cs_test_any")
    assert standin_faults.faults()["affected"] == 2
    standin_faults.clear_faults()
    assert newest_session_id(standin_faults) == before
    # Nothing was kept under the idempotency key either: the same key now creates a session.
    session = _create(idempotency_key=key)
    assert newest_session_id(standin_faults) == session.id


def test_a_counted_fault_affects_that_many_requests_then_stops(standin_faults):
    assert standin_faults.fault("error_500", count=2) == {
        "mode": "error_500",
        "count": 2,
        "remaining": 2,
        "path_prefix": "/v1/",
        "hang_seconds": None,
        "affected": 0,
        "active": True,
    }

    for _ in range(2):
        with pytest.raises(PaymentProviderError):
            _create()
    session = _create()

    assert session.status == "open"
    assert standin_faults.faults() == {
        "mode": "error_500",
        "count": 2,
        "remaining": 0,
        "path_prefix": "/v1/",
        "hang_seconds": None,
        "affected": 2,
        "active": False,
    }


@override_settings(STRIPE_MAX_NETWORK_RETRIES=1)
def test_one_500_is_retried_by_the_stripe_client_with_the_same_key(standin_faults):
    standin_faults.fault("error_500", count=1)

    session = _create()

    assert session.status == "open"
    assert standin_faults.faults()["affected"] == 1


def test_a_path_prefix_limits_the_fault_to_those_requests(standin_faults):
    standin_faults.fault("error_500", path_prefix="/v1/refunds")
    session = _create(amount=Decimal("20.00"))
    assert standin_faults.pay(session.id).status_code == 200
    intent_id = client.checkout_session_retrieve(session_id=session.id).payment_intent_id

    with pytest.raises(PaymentProviderError) as raised:
        client.refund_create(
            payment_intent_id=intent_id,
            amount=Decimal("20.00"),
            currency="usd",
            idempotency_key=str(uuid.uuid4()),
            metadata={},
        )

    assert raised.value.http_status == 500
    assert standin_faults.faults()["affected"] == 1
    assert standin_faults.events(type="charge.refunded", related_to=intent_id) == []
    standin_faults.clear_faults()
    refund = client.refund_create(
        payment_intent_id=intent_id,
        amount=Decimal("20.00"),  # the whole amount: the faulted refund took nothing
        currency="usd",
        idempotency_key=str(uuid.uuid4()),
        metadata={},
    )
    assert (refund.amount, refund.status) == (Decimal("20.00"), "succeeded")


@override_settings(STRIPE_TIMEOUT_SECONDS=1)
def test_a_hang_past_the_client_timeout_is_a_network_error_and_others_are_served(
    standin_faults,
):
    before = newest_session_id(standin_faults)
    standin_faults.fault("hang", count=1, hang_seconds=30)

    with pytest.raises(PaymentProviderError) as raised:
        _create()

    assert raised.value.http_status is None  # no answer at all
    # That request still hangs on the stand-in; the next one is served.
    assert standin_faults.faults()["hang_seconds"] == 30
    assert newest_session_id(standin_faults) == before
    session = _create()
    assert session.status == "open"
    assert requests.get(session.url, timeout=5).status_code == 200


def _hung_request(url: str) -> dict:
    """Start an API request that will hang; returns a dict filled in when it ends."""
    outcome: dict = {}

    def run():
        try:
            requests.get(
                f"{url}/v1/checkout/sessions/cs_test_any",
                headers={"Authorization": f"Bearer {STANDIN_API_KEY}"},
                timeout=60,
            )
        except requests.ConnectionError as exc:
            outcome["error"] = exc
        outcome["ended"] = time.monotonic()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    outcome["thread"] = thread
    return outcome


def _wait_until_affected(control: StandinControl, count: int) -> None:
    deadline = time.monotonic() + 10
    while control.faults()["affected"] < count:
        assert time.monotonic() < deadline, "the request never reached the stand-in"
        time.sleep(0.02)


def test_clearing_a_hang_drops_the_hung_request_without_an_answer(standin_faults):
    standin_faults.fault("hang")  # 120 s by default
    hung = _hung_request(standin_faults.base_url)
    _wait_until_affected(standin_faults, 1)
    assert "ended" not in hung

    standin_faults.clear_faults()

    hung["thread"].join(timeout=10)
    assert isinstance(hung["error"], requests.ConnectionError)


def test_stop_does_not_wait_for_hung_requests():
    server = StandinServer(api_key=STANDIN_API_KEY).start()
    control = StandinControl(server.url)
    control.fault("hang", hang_seconds=60)
    hung = _hung_request(server.url)
    _wait_until_affected(control, 1)

    server.stop()

    hung["thread"].join(timeout=10)
    assert not hung["thread"].is_alive()  # released by stop(), well before its 60 s
    assert isinstance(hung["error"], requests.ConnectionError)


def test_faults_never_touch_the_controls_or_the_hosted_page(standin_faults):
    session = _create()
    standin_faults.fault("error_500")

    assert requests.get(session.url, timeout=5).status_code == 200
    assert standin_faults.pay(session.id).json()["payment_status"] == "paid"
    assert [e.type for e in standin_faults.events(related_to=session.id)] == [
        "checkout.session.completed"
    ]
    assert standin_faults.faults()["affected"] == 0


@pytest.mark.parametrize(
    ("data", "param"),
    [
        ({"mode": "error_503"}, "mode"),
        ({"mode": "error_500", "count": "0"}, "count"),
        ({"mode": "error_500", "count": "-2"}, "count"),
        ({"mode": "error_500", "path_prefix": "/_standin/"}, "path_prefix"),
        ({"mode": "error_500", "hang_seconds": "5"}, "hang_seconds"),
        ({"mode": "hang", "hang_seconds": "0"}, "hang_seconds"),
    ],
)
def test_a_bad_fault_is_refused_and_changes_nothing(standin_faults, data, param):
    response = requests.post(f"{standin_faults.base_url}/_standin/faults", data=data, timeout=5)

    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
    assert standin_faults.faults()["mode"] == "none"


def test_reset_clears_the_fault(standin_clock):
    standin_clock.fault("error_401", path_prefix="/v1/checkout/sessions")

    standin_clock.reset()

    assert standin_clock.faults() == {
        "mode": "none",
        "count": -1,
        "remaining": -1,
        "path_prefix": "/v1/",
        "hang_seconds": None,
        "affected": 0,
        "active": False,
    }
    assert _create().status == "open"

"""One log line with structured fields for every refused webhook and every failed Stripe call,
and no personal data in it (tests/config/test_logging.py: how such a line is written)."""

import json
import logging
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings

from config.logging_format import KeyValueFormatter
from shop.payment import client
from shop.payment.standin.server import sign

EVENT = {
    "id": "evt_1",
    "type": "checkout.session.expired",
    "created": 1700000000,
    "data": {"object": {"id": "cs_test_1", "object": "checkout.session"}},
}


def _lines(caplog, logger: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == logger]


def _post(client, payload: str, **headers):
    return client.post(
        "/checkout/stripe/webhook/", data=payload, content_type="application/json", **headers
    )


@pytest.mark.django_db
def test_a_webhook_with_a_bad_signature_is_one_line_with_its_reason(client, caplog):
    payload = json.dumps(EVENT)
    with caplog.at_level(logging.WARNING, logger="shop.payment"):
        response = _post(client, payload, HTTP_STRIPE_SIGNATURE=sign(payload, "whsec_other"))
    assert response.status_code == 400
    [line] = _lines(caplog, "shop.payment.views")
    assert (line.levelname, line.getMessage(), line.reason) == (
        "WARNING",
        "webhook refused",
        "signature",
    )
    assert (line.payload_bytes, line.signature_header) == (len(payload.encode()), True)
    assert "No signatures found matching the expected signature" in line.error
    assert " reason=signature " in KeyValueFormatter().format(line)


@pytest.mark.django_db
def test_a_webhook_without_a_signature_says_so(client, caplog):
    with caplog.at_level(logging.WARNING, logger="shop.payment"):
        assert _post(client, json.dumps(EVENT)).status_code == 400
    [line] = _lines(caplog, "shop.payment.views")
    assert (line.reason, line.signature_header) == ("signature", False)


@pytest.mark.django_db
def test_a_signed_but_unreadable_webhook_is_one_line_with_its_reason(client, caplog):
    payload = json.dumps({**EVENT, "created": -99999999999})
    with caplog.at_level(logging.WARNING, logger="shop.payment"):
        response = _post(
            client, payload, HTTP_STRIPE_SIGNATURE=sign(payload, settings.STRIPE_WEBHOOK_SECRET)
        )
    assert (response.status_code, response.content) == (400, b"bad event")
    [line] = _lines(caplog, "shop.payment.views")
    assert (line.reason, line.payload_bytes, line.signature_header) == (
        "unreadable",
        len(payload.encode()),
        True,
    )
    assert line.error.startswith("Unreadable webhook payload")


def test_a_refused_stripe_call_is_one_line_with_stripes_status_and_code(stripe_standin, caplog):
    with caplog.at_level(logging.WARNING, logger="shop.payment"):
        with pytest.raises(client.PaymentProviderError):
            client.checkout_session_retrieve(session_id="cs_test_unknown")
    [line] = _lines(caplog, "shop.payment.client")
    assert (line.getMessage(), line.call, line.error, line.http_status, line.code) == (
        "stripe call failed",
        "checkout_session_retrieve",
        "InvalidRequestError",
        404,
        "resource_missing",
    )
    assert hasattr(line, "request_id")


def test_a_failed_stripe_call_logs_no_email_address(stripe_standin, caplog):
    """Stripe's messages may quote what was sent; the line carries its code, never its text."""
    key = f"test-{uuid.uuid4()}"
    params = {
        "order_number": "100001",
        "currency": "USD",
        "customer_email": "pat@example.com",
        "success_url": "http://shop.test/ok/",
        "cancel_url": "http://shop.test/cancel/",
        "metadata": {"order_number": "100001"},
        "idempotency_key": key,
    }
    client.checkout_session_create(amount=Decimal("49.90"), **params)
    with caplog.at_level(logging.WARNING, logger="shop.payment"):
        with pytest.raises(client.PaymentProviderError) as error:
            client.checkout_session_create(amount=Decimal("37.90"), **params)  # key reused
    [line] = _lines(caplog, "shop.payment.client")
    assert (line.call, line.http_status) == ("checkout_session_create", 400)
    text = KeyValueFormatter().format(line)
    assert str(error.value) not in text
    assert "pat@example.com" not in text


def test_an_unreachable_stripe_is_one_line_without_a_status(stripe_standin, caplog):
    with override_settings(STRIPE_API_BASE="http://127.0.0.1:9"):  # discard port: refused
        with caplog.at_level(logging.WARNING, logger="shop.payment"):
            with pytest.raises(client.PaymentProviderError):
                client.checkout_session_expire(session_id="cs_test_any")
    [line] = _lines(caplog, "shop.payment.client")
    assert (line.call, line.error, line.http_status, line.code) == (
        "checkout_session_expire",
        "APIConnectionError",
        None,
        None,
    )

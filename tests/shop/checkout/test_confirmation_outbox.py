"""The order confirmation when the broker is down at payment time (issue 13's case 6): the
payment goes through, the enqueue fails (logged), and beat's catch-up sends the email once the
broker is back, exactly once. The Celery app is pointed at a dead port for real."""

import socket

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from config.celery_app import app as celery_app
from shop.checkout.services import CATCH_UP_AFTER, order_confirmations_catch_up
from shop.payment.models import CheckoutAttempt
from tests.shop.checkout.conftest import checkout_to_stripe

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db(transaction=True)  # so on_commit runs


def _point_broker(url: str, options: dict) -> None:
    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = options
    celery_app._pool = None  # connections are made from the configuration again
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(monkeypatch):
    saved = (celery_app.conf.broker_url, dict(celery_app.conf.broker_transport_options or {}))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = f"redis://127.0.0.1:{port}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", dead)  # Celery reads it before its own conf
    _point_broker(dead, {"max_retries": 1})
    yield
    monkeypatch.undo()
    _point_broker(*saved)


def test_a_paid_order_gets_its_confirmation_once_the_broker_is_back(
    client, small_jar, stripe_standin, broker_down, caplog
):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    checkout_to_stripe(client)
    attempt = CheckoutAttempt.objects.get()
    stripe_standin.pay(attempt.session_id)
    response = client.get(f"/checkout/stripe/return/?session_id={attempt.session_id}")
    assert response.url == "/checkout/thank-you/"
    order = Order.objects.get()
    assert order.status == "Paid"
    assert any("on_commit" in r.getMessage() for r in caplog.records)  # the enqueue failed
    assert mail.outbox == []

    assert order_confirmations_catch_up() == 0  # too recent: the enqueued task may come
    CheckoutAttempt.objects.update(paid_at=timezone.now() - CATCH_UP_AFTER * 2)
    assert order_confirmations_catch_up() == 1
    assert order_confirmations_catch_up() == 0
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    assert order.number in mail.outbox[0].body

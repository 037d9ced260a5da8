"""The order confirmation when the broker is down at payment time (issue 13's case 6): the
payment goes through without touching the broker (the confirmation is a PlannedEmail row
committed with the payment), and once the broker is back beat's dispatcher and a real worker
send it, exactly once. The Celery app is pointed at a dead port for real."""

import contextlib
import os
import socket
import time

import pytest
from django.conf import settings
from oscar.core.loading import get_model

from config.celery_app import app as celery_app
from shop.followups.models import PlannedEmail
from shop.followups.services import followup_dispatch
from shop.followups.tasks import _enqueue_send
from shop.payment.models import CheckoutAttempt
from tests.helpers.checkout import checkout_to_stripe
from tests.helpers.mail_and_celery import wait_until

Order = get_model("order", "Order")
State = PlannedEmail.State

pytestmark = pytest.mark.django_db(transaction=True)  # so on_commit runs, and the worker sees rows


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

    def back():
        monkeypatch.undo()
        _point_broker(*saved)

    yield back
    back()


def test_a_paid_order_gets_its_confirmation_once_the_broker_is_back(
    client,
    small_jar,
    stripe_standin,
    broker_down,
    celery_processes,
    smtp_sink,
    caplog,
):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    checkout_to_stripe(client)
    attempt = CheckoutAttempt.objects.get()
    stripe_standin.pay(attempt.session_id)
    response = client.get(f"/checkout/stripe/return/?session_id={attempt.session_id}")
    assert response.url == "/checkout/thank-you/"
    order = Order.objects.get()
    assert order.status == "Paid"
    assert not any("on_commit" in r.getMessage() for r in caplog.records)  # nothing enqueued
    confirmation = PlannedEmail.objects.get(kind=PlannedEmail.Kind.ORDER_CONFIRMATION)
    assert (confirmation.state, confirmation.order_id) == (State.PENDING, order.pk)

    # Beat's dispatcher while the broker is still down: the claim commits, the hand-off fails
    # (whatever kombu raises for a dead broker; a retried publish may also land once it is back).
    with contextlib.suppress(Exception):
        followup_dispatch(enqueue=_enqueue_send)
    confirmation.refresh_from_db()
    assert confirmation.state == State.QUEUED
    assert smtp_sink.messages == []

    broker_down()  # the broker is back: a real beat and worker take over
    celery_processes.env.pop("CELERY_BROKER_URL", None)
    celery_processes.env.update({k: v for k, v in os.environ.items() if k == "CELERY_BROKER_URL"})
    celery_processes.start_worker()
    celery_processes.start_beat()
    [message] = smtp_sink.wait_for(1)  # after the lease, the queued row is taken back and sent
    wait_until(
        lambda: PlannedEmail.objects.get(pk=confirmation.pk).state == State.SENT, what="sent"
    )
    time.sleep(3)  # a few more dispatcher runs: nothing more goes out
    celery_processes.stop()

    assert [m["To"] for m in smtp_sink.messages] == ["ann@example.com"]
    assert message["Subject"] == "Your ReLeaf order is confirmed"
    assert order.number in message.get_body(preferencelist=("plain",)).get_content()
    assert settings.SHOP_ORDER_STATUS_PAID == Order.objects.get().status

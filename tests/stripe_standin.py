"""The Stripe stand-in for tests: one server per test session on a free 127.0.0.1 port, with
the settings pointing the real `stripe` client (through shop.payment.client) at it.

Registered once, in tests/conftest.py: a fixture imported into two conftests is two fixtures,
two servers, and the settings would point at whichever started last."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import stripe
from django.conf import settings
from django.test import override_settings

from shop.payment.standin import StandinServer
from shop.payment.standin.control import StandinControl

STANDIN_API_KEY = "sk_test_standin_for_tests"
STANDIN_WEBHOOK_SECRET = "whsec_standin_for_tests"
FAST_RETRIES = (0.05, 0.1, 0.2)


@pytest.fixture(scope="session")
def stripe_standin() -> Iterator[StandinControl]:
    """A running stand-in; automatic webhook delivery is off unless a test configures it."""
    server = StandinServer(
        api_key=STANDIN_API_KEY,
        webhook_secret=STANDIN_WEBHOOK_SECRET,
        auto_deliver=False,
        retry_delays=FAST_RETRIES,
    ).start()
    overrides = override_settings(
        STRIPE_API_BASE=server.url,
        STRIPE_SECRET_KEY=STANDIN_API_KEY,  # a key the stand-in accepts, so no key fallback
        STRIPE_WEBHOOK_SECRET=STANDIN_WEBHOOK_SECRET,
        STRIPE_MAX_NETWORK_RETRIES=0,
        STRIPE_TIMEOUT_SECONDS=10,
    )
    overrides.enable()
    try:
        yield StandinControl(server.url)
    finally:
        overrides.disable()
        server.stop()


@pytest.fixture
def standin_faults(stripe_standin) -> Iterator[StandinControl]:
    """The stand-in, with any fault a test injects cleared afterwards (even if it fails)."""
    yield stripe_standin
    stripe_standin.clear_faults()


@pytest.fixture
def standin_clock(stripe_standin) -> Iterator[StandinControl]:
    """The stand-in for a test that advances its clock: afterwards it is reset (the only way
    back to real time), which also forgets every object, event and fault."""
    yield stripe_standin
    stripe_standin.reset()


def stripe_client(*, stripe_version: str | None = None) -> stripe.StripeClient:
    """The real stripe client pointed at the stand-in as shop.payment.client builds it, for
    parameters the shop does not send yet (expires_at, payment method types, unknown ones)."""
    kwargs = {"stripe_version": stripe_version} if stripe_version else {}
    return stripe.StripeClient(
        STANDIN_API_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=10),
        **kwargs,
    )


def newest_session_id(stripe_standin) -> str | None:
    """The id of the last session created (Stripe's list, newest first), to show none was."""
    response = requests.get(
        f"{stripe_standin.base_url}/v1/checkout/sessions",
        params={"limit": 1},
        headers={"Authorization": f"Bearer {STANDIN_API_KEY}"},
        timeout=10,
    )
    response.raise_for_status()
    return next((s["id"] for s in response.json()["data"]), None)


class WebhookReceiver:
    """A tiny endpoint that records what the stand-in POSTs and answers with `statuses` in turn
    (the last one repeats)."""

    def __init__(self, statuses: list[int]):
        self.statuses = list(statuses)
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.received = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.received:
                    status = receiver.statuses[
                        min(len(receiver.requests), len(receiver.statuses) - 1)
                    ]
                    receiver.requests.append((dict(self.headers), body))
                    receiver.received.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/checkout/stripe/webhook/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 10) -> list[tuple[dict[str, str], bytes]]:
        with self.received:
            self.received.wait_for(lambda: len(self.requests) >= count, timeout=timeout)
            return list(self.requests)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def webhook_receiver(stripe_standin):
    """Make a receiver answering with the given statuses the stand-in's webhook endpoint."""
    receivers = []

    def make(*statuses: int, auto_deliver: bool = True) -> WebhookReceiver:
        receiver = WebhookReceiver(list(statuses) or [200])
        receivers.append(receiver)
        stripe_standin.configure(webhook_url=receiver.url, auto_deliver=auto_deliver)
        return receiver

    yield make
    stripe_standin.configure(webhook_url="", auto_deliver=False, retry_delays=FAST_RETRIES)
    for receiver in receivers:
        receiver.stop()

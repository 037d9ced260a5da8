"""Selling while Redis, the cache, is down (a port nothing listens on) or hangs (a server that
accepts connections and never answers): every page renders from the database, nothing is kept
under a version nobody could read, the code rate limit lets attempts through, sessions live in
the database, /healthz says 503, and a publish to a dead broker gives up quickly."""

import json
import logging
import socket
import subprocess
import sys
import threading
import time
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client, override_settings
from oscar.core.loading import get_model

from shop.basket.services import PENDING_CODE_SESSION_KEY
from shop.pagecache.selectors import page_cache_version
from shop.payment.models import CheckoutAttempt
from tests.helpers.checkout import checkout_to_stripe, discount_of, messages_of, open_basket

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Voucher = get_model("voucher", "Voucher")

APPLIED = "Code GETINFUSED applied: the discount is in your cart."


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HangingRedis:
    """Accepts connections (the kernel completes the handshake) and never answers."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.accepted.append(self.listener.accept()[0])
            except OSError:  # closed
                return

    def close(self):
        self.listener.close()
        for conn in self.accepted:
            conn.close()


class RedisProxy:
    """Forwards to the configured Redis until `cut()`: then drops every connection and closes each
    new one at once (a Redis that went away), until `restore()`."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream, self.cut_off = upstream, False
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.listener.getsockname()[1]
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client = self.listener.accept()[0]
            except OSError:  # closed
                return
            if self.cut_off:
                client.close()
                continue
            server = socket.create_connection(self.upstream)
            self.open += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            source.close()
            target.close()

    def cut(self):
        self.cut_off = True
        for conn in self.open:
            conn.close()
        self.open = []

    def restore(self):
        self.cut_off = False

    def close(self):
        self.cut()
        self.listener.close()


def _redis_cache_at(port: int, db: int = 0) -> dict:
    # The options production gets from base.py; a fresh port is a fresh django-redis pool.
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/{db}",
            "OPTIONS": settings.CACHE_REDIS_OPTIONS,
        }
    }


@pytest.fixture
def dead_cache():
    with override_settings(CACHES=_redis_cache_at(_free_port())):  # resets django's caches
        yield


@pytest.fixture
def hanging_redis():
    server = HangingRedis()
    try:
        yield server
    finally:
        server.close()


def _sell_a_small_jar(client, small_jar) -> None:
    """Catalogue, product page, add, the code form, the basket page, checkout to Stripe."""
    catalogue = client.get("/catalogue/")
    assert catalogue.status_code == 200
    assert "Infused ReLeaf" in catalogue.content.decode()
    parent = small_jar.parent
    assert client.get(parent.get_absolute_url()).status_code == 200
    response = client.post(f"/basket/add/{parent.pk}/", {"child_id": small_jar.pk, "quantity": 1})
    assert response.status_code == 302
    response = client.post("/basket/vouchers/add/", {"code": "getinfused"}, follow=True)
    assert messages_of(response)[-1] == APPLIED
    page = client.get("/basket/")
    assert page.status_code == 200
    assert "−$12.00" in page.content.decode() or "-$12.00" in page.content.decode()
    response = checkout_to_stripe(client)
    assert response.status_code == 302
    assert response.url.startswith(settings.STRIPE_API_BASE)


def _assert_sold(small_jar) -> None:
    order = Order.objects.get()
    assert (order.status, order.guest_email) == ("Pending payment", "ann@example.com")
    assert order.total_incl_tax == Decimal("27.95")  # $34 - $12 + $5.95 shipping
    assert [d.voucher_code for d in order.discounts.all()] == ["GETINFUSED"]
    assert [(line.product_id, line.quantity) for line in order.lines.all()] == [(small_jar.pk, 1)]
    basket = Basket.objects.get(pk=order.basket_id)
    assert basket.status == Basket.FROZEN
    assert [v.code for v in basket.vouchers.all()] == ["GETINFUSED"]
    assert [(line.product_id, line.quantity) for line in basket.lines.all()] == [(small_jar.pk, 1)]
    assert Voucher.objects.get(code="GETINFUSED").num_orders == 1
    assert CheckoutAttempt.objects.get().order_id == order.pk


def test_a_guest_buys_with_the_code_while_redis_is_down(
    client, small_jar, stripe_standin, dead_cache, caplog
):
    cache.clear()  # what tests/conftest.py's _fresh_rate_limits does: no error
    assert page_cache_version() is None
    with caplog.at_level(logging.WARNING, logger="shop.basket.services"):
        _sell_a_small_jar(client, small_jar)
    _assert_sold(small_jar)
    let_through = [r for r in caplog.records if r.name == "shop.basket.services"]
    assert [(r.getMessage(), r.rate_limit_group) for r in let_through] == [
        ("code rate limit: the cache does not answer, attempt let through", "shop-code")
    ]
    # Every checkout step's session data was written to (and read back from) the database
    session = Session.objects.get(session_key=client.session.session_key).get_decoded()
    assert session["checkout_data"]["guest"] == {"email": "ann@example.com"}
    assert session["checkout_data"]["shipping"]["method_code"] == "standard"

    response = client.get("/healthz")
    assert response.status_code == 503
    assert "cache" in json.loads(response.content)["failing"]


def test_the_code_link_keeps_the_code_in_the_database_session_while_redis_is_down(
    client, small_jar, dead_cache
):
    response = client.get("/code/GETINFUSED/", follow=True)
    assert response.status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.get_decoded()[PENDING_CODE_SESSION_KEY] == "GETINFUSED"

    parent = small_jar.parent
    response = client.post(
        f"/basket/add/{parent.pk}/", {"child_id": small_jar.pk, "quantity": 1}, follow=True
    )
    assert APPLIED in messages_of(response)
    basket = open_basket()
    assert [v.code for v in basket.vouchers.all()] == ["GETINFUSED"]
    assert discount_of(basket) == Decimal("12.00")
    session = Session.objects.get(session_key=client.session.session_key)
    assert PENDING_CODE_SESSION_KEY not in session.get_decoded()


@override_settings(SHOP_PAGE_CACHE_LOCAL_SECONDS=60)
def test_no_page_is_kept_while_redis_is_down(small_jar, dead_cache):
    url = small_jar.parent.get_absolute_url()
    assert b"34.00" in Client().get(url).content
    # Another process's edit: this one only learns of it through the version in the cache
    StockRecord.objects.filter(product=small_jar).update(price=Decimal("36.50"))
    page = Client().get(url).content
    assert b"36.50" in page
    assert b"34.00" not in page


@pytest.mark.redis
def test_an_edit_made_while_redis_was_away_shows_when_it_is_back(small_jar):
    """The version bump the cache missed is made once it answers: the page kept before the outage
    (still in Redis, under the old version) is not served after it."""
    location = urlsplit(settings.CACHES["default"]["LOCATION"])
    proxy = RedisProxy((location.hostname, location.port or 6379))
    url = small_jar.parent.get_absolute_url()
    caches = _redis_cache_at(proxy.port, db=int(location.path.strip("/") or 0))
    try:
        with override_settings(CACHES=caches, SHOP_CACHE_SKIP_SECONDS=0.2):
            cache.clear()
            assert b"34.00" in Client().get(url).content  # kept in Redis
            proxy.cut()
            record = small_jar.stockrecords.get()
            record.price = Decimal("36.50")
            record.save()  # its version bump does not reach Redis
            assert b"36.50" in Client().get(url).content  # rendered: the cache is away
            proxy.restore()
            time.sleep(0.3)  # the skip is over
            page = Client().get(url).content
            assert b"36.50" in page
            assert b"34.00" not in page
            assert page_cache_version() is not None  # the page cache is in use again
    finally:
        proxy.close()


def test_a_hanging_redis_costs_one_timeout_then_is_skipped(
    client, small_jar, stripe_standin, hanging_redis, caplog
):
    with (
        override_settings(CACHES=_redis_cache_at(hanging_redis.port), SHOP_CACHE_SKIP_SECONDS=60),
        caplog.at_level(logging.WARNING, logger="shop.store.cache"),
    ):
        _sell_a_small_jar(client, small_jar)
        response = client.get("/healthz")
    _assert_sold(small_jar)
    assert response.status_code == 503
    assert "cache" in json.loads(response.content)["failing"]
    # One connection, one timeout, one log line: every later call skipped Redis at once
    assert len(hanging_redis.accepted) == 1
    skipped = [r for r in caplog.records if r.name == "shop.store.cache"]
    assert len(skipped) == 1
    assert (skipped[0].cache_port, skipped[0].skip_seconds) == (hanging_redis.port, 60)


def test_a_skipped_redis_is_asked_again_after_the_skip(db, hanging_redis):
    with override_settings(CACHES=_redis_cache_at(hanging_redis.port), SHOP_CACHE_SKIP_SECONDS=0.3):
        assert cache.get("anything") is None
        assert cache.get("anything") is None
        assert len(hanging_redis.accepted) == 1
        time.sleep(0.4)
        assert cache.get("anything") is None
        assert len(hanging_redis.accepted) == 2


def _publish_in_a_process(broker_url: str) -> dict:
    """Send a task from a fresh process whose settings point the broker at `broker_url`."""
    script = (
        "import json, time\n"
        "import django; django.setup()\n"
        "from config.celery_app import app\n"
        "start = time.monotonic()\n"
        "try:\n"
        "    app.send_task('shop.store.nothing'); error = None\n"
        "except Exception as exc:\n"
        "    error = type(exc).__name__\n"
        "print(json.dumps({'error': error, 'seconds': time.monotonic() - start}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "CELERY_BROKER_URL": broker_url,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_publish_to_a_dead_broker_fails_fast():
    outcome = _publish_in_a_process(f"redis://127.0.0.1:{_free_port()}/0")
    assert outcome["error"] == "OperationalError"
    assert outcome["seconds"] < 2  # kombu's defaults: about a second; on a hanging one, forever


def test_a_publish_to_a_hanging_broker_gives_up(hanging_redis):
    outcome = _publish_in_a_process(f"redis://127.0.0.1:{hanging_redis.port}/0")
    assert outcome["error"] == "OperationalError"
    assert outcome["seconds"] < 5  # socket timeouts and one retry: about 1.3 s

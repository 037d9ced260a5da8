import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from oscar.core.loading import get_model

from guidance.services import guidance_content_setup
from shop.pagecache.services import page_cache_invalidate
from shop.store.services import store_setup
from tests.helpers.mail_and_celery import (  # noqa: F401  (fixtures)
    celery_processes,
    smtp_settings,
    smtp_sink,
)
from tests.stripe_standin import (  # noqa: F401  (fixtures)
    standin_clock,
    standin_faults,
    stripe_standin,
    webhook_receiver,
)

IN_CI = os.environ.get("CI") == "true"


def _missing_service(marker_name: str) -> str | None:
    """Why a test with this marker cannot run here, or None when the service is configured."""
    if marker_name == "postgresql" and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/releaf"
    if marker_name == "redis" and not settings.CELERY_BROKER_URL.startswith("redis"):
        return "needs Redis: set CELERY_BROKER_URL and CACHE_URL to redis://127.0.0.1:6379/…"
    return None


@pytest.fixture(autouse=True)
def _require_services(request):
    for name in ("postgresql", "redis"):
        if request.node.get_closest_marker(name) and (reason := _missing_service(name)):
            if IN_CI:
                pytest.fail(f"CI must run this test but it {reason}")
            pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Pages cached in an earlier test may show rows its rollback removed: start afresh."""
    page_cache_invalidate()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The code and login rate limits count in the cache, which outlives a test (every test
    client is 127.0.0.1: one address's attempts add up across the suite)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def store(db):
    """The store as `make run` loads it; returns the cream's parent product."""
    return store_setup()


@pytest.fixture
def small_jar(store):
    return get_model("catalogue", "Product").objects.get(upc="RELEAF-2OZ")


@pytest.fixture
def large_jar(store):
    return get_model("catalogue", "Product").objects.get(upc="RELEAF-4OZ")


@pytest.fixture
def guidance_content(db):
    """The technique pages' and the self-check's texts, as `guidance_setup` loads them."""
    guidance_content_setup()

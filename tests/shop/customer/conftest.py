import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # the registration rate limit counts in the cache, which outlives a test
    yield
    cache.clear()

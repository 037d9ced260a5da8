"""The Redis client under django-redis (its REDIS_CLIENT_CLASS): a Redis that failed is skipped.

django-redis with IGNORE_EXCEPTIONS (config/settings/base.py) answers a Redis that does not answer
with a miss, but each call still waits for its socket timeout, and a page makes tens of cache calls
(page cache, session, offers, ranges, shipping, category tree, rate limit). After a connection
error or timeout, every client of that Redis in the process fails at once, without the network,
for SHOP_CACHE_SKIP_SECONDS, and django-redis counts that as a miss too; then one call tries again.
So a hanging Redis costs one socket timeout per process every few seconds, a dead one nothing.
"""

import logging
import time
import weakref

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

# Per connection pool (django-redis keeps one per URL): until when that Redis is skipped.
_skip_until: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class SkippedError(redis.ConnectionError):
    """Not sent: this Redis failed less than SHOP_CACHE_SKIP_SECONDS ago."""


class Redis(redis.Redis):
    def execute_command(self, *args, **options):
        self._check()
        try:
            return super().execute_command(*args, **options)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            self._skip(exc)
            raise

    def pipeline(self, transaction=True, shard_hint=None):
        self._check()  # its failures are not seen here; the next command's are
        return super().pipeline(transaction=transaction, shard_hint=shard_hint)

    def _check(self) -> None:
        if time.monotonic() < _skip_until.get(self.connection_pool, 0.0):
            raise SkippedError("skipped after a failure")

    def _skip(self, exc: Exception) -> None:
        seconds = settings.SHOP_CACHE_SKIP_SECONDS
        _skip_until[self.connection_pool] = time.monotonic() + seconds
        kwargs = self.connection_pool.connection_kwargs
        logger.warning(
            "cache: Redis does not answer, skipped for %s s",
            seconds,
            extra={
                "cache_host": kwargs.get("host", kwargs.get("path")),
                "cache_port": kwargs.get("port"),
                "error": f"{type(exc).__name__}: {exc}"[:200],
                "skip_seconds": seconds,
            },
        )

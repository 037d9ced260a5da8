"""`make bench`, our shop: base settings as production serves them, on the bench's own data.

The runner sets DATABASE_URL (its own SQLite file or PostgreSQL database) and CACHE_URL.
"""

from config.settings.base import *  # noqa: F401,F403
from config.settings.base import CACHES, INSTALLED_APPS, VAR_DIR, env

BENCH_DIR = VAR_DIR / "bench"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
CACHES["default"]["KEY_PREFIX"] = env("BENCH_CACHE_PREFIX", default="bench-ours")
STATIC_ROOT = BENCH_DIR / "static-ours"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

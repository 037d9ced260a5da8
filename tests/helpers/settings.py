"""Running manage.py in a child process with a production-like environment."""

import os
import subprocess
import sys

from django.conf import settings

REALISTIC_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-realistic-secret-key-for-the-deploy-check-0123456789",
    "DJANGO_ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "postgres://shop:pw@db.internal:5432/shop",
    "CACHE_URL": "redis://redis.internal:6379/1",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/2",
    "SITE_URL": "https://shop.example.com",
    "STRIPE_SECRET_KEY": "sk_live_realistic",
    "STRIPE_WEBHOOK_SECRET": "whsec_realistic",
}


def manage(*args, env):
    clean = {
        k: v for k, v in os.environ.items() if k not in REALISTIC_ENV and not k.endswith("_URL")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )

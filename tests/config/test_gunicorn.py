"""config/gunicorn.py preloads the app in the master: forked workers must not share a connection."""

import gc
import os
import runpy
import subprocess
import sys

from django.conf import settings


def test_importing_the_app_opens_no_database_connection():
    code = (
        "import config.wsgi\n"
        "from django.db import connections\n"
        "print([connections[alias].connection is None for alias in connections])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
        | {"DJANGO_SECRET_KEY": "s" * 50, "DJANGO_ALLOWED_HOSTS": "shop.example.com"}
        | {"DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:////tmp/never-opened.sqlite3")}
        | {"CACHE_URL": "locmemcache://", "CELERY_BROKER_URL": "memory://"}
        | {"SITE_URL": "https://shop.example.com"}
        | {"STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": "whsec_x"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[True]"


def test_workers_are_forked_with_the_masters_objects_frozen():
    namespace = runpy.run_path(str(settings.BASE_DIR / "config" / "gunicorn.py"))
    try:
        namespace["pre_fork"](None, None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()

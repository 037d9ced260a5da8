"""Production settings: complete with a realistic environment, loud when a secret is missing."""

import json
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


def _manage(*args, env):
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


def test_check_deploy_is_silent_with_a_realistic_environment():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=REALISTIC_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_missing_secret_stops_boot_with_a_clear_message():
    env = {k: v for k, v in REALISTIC_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "Production settings: Set the DJANGO_SECRET_KEY environment variable" in result.stderr


def test_production_keeps_redis_a_cache_with_short_timeouts():
    """base.py's Redis options reach production, which only requires CACHE_URL."""
    show = (
        "import json; from django.conf import settings as s; print(json.dumps("
        "[s.CACHES['default'], s.CELERY_BROKER_TRANSPORT_OPTIONS, s.RATELIMIT_FAIL_OPEN]))"
    )
    result = _manage("shell", "-c", show, env=REALISTIC_ENV)
    assert result.returncode == 0, result.stderr
    cache, broker_options, fail_open = json.loads(result.stdout.strip().splitlines()[-1])
    assert cache == {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://redis.internal:6379/1",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.25,
            "SOCKET_TIMEOUT": 0.25,
            "REDIS_CLIENT_CLASS": "shop.store.cache.Redis",
        },
    }
    assert broker_options == {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 1.0,
        "max_retries": 1,
    }
    assert fail_open is True


def test_production_media_can_live_on_an_s3_compatible_bucket():
    env = {
        **REALISTIC_ENV,
        "SHOP_MEDIA_BUCKET": "releaf-media",
        "SHOP_MEDIA_ENDPOINT_URL": "https://objects.example.net",
        "SHOP_MEDIA_DOMAIN": "media.shop.example.com",
    }
    show = (
        "from django.core.files.storage import storages; d = storages['default']; "
        "print(type(d).__name__, d.bucket_name, d.endpoint_url, d.url('images/jar.jpg'))"
    )
    result = _manage("shell", "-c", show, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "S3Storage",
        "releaf-media",
        "https://objects.example.net",
        "https://media.shop.example.com/images/jar.jpg",
    ]


def test_without_a_bucket_uploads_stay_files():
    show = (
        "from django.core.files.storage import storages; print(type(storages['default']).__name__)"
    )
    result = _manage("shell", "-c", show, env=REALISTIC_ENV)
    assert result.stdout.split()[-1] == "FileSystemStorage"

"""Settings: production complete with a realistic environment and loud when a secret is missing;
.env read only when asked; an empty variable counts as unset."""

import json
import os
import shutil
import subprocess
import sys

from django.conf import settings

from tests.helpers.settings import REALISTIC_ENV, manage


def test_check_deploy_is_silent_with_a_realistic_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=REALISTIC_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_missing_secret_stops_boot_with_a_clear_message():
    env = {k: v for k, v in REALISTIC_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Production settings: Set the DJANGO_SECRET_KEY environment variable" in result.stderr


def test_production_keeps_redis_a_cache_with_short_timeouts():
    """base.py's Redis options reach production, which only requires CACHE_URL."""
    show = (
        "import json; from django.conf import settings as s; print(json.dumps("
        "[s.CACHES['default'], s.CELERY_BROKER_TRANSPORT_OPTIONS, s.RATELIMIT_FAIL_OPEN]))"
    )
    result = manage("shell", "-c", show, env=REALISTIC_ENV)
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
    result = manage("shell", "-c", show, env=env)
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
    result = manage("shell", "-c", show, env=REALISTIC_ENV)
    assert result.stdout.split()[-1] == "FileSystemStorage"


# --- The environment: .env only when asked, empty values as unset --------------------------

DUMP_SETTINGS = """
import json, re, sys
import django
from django.conf import settings
django.setup()
print(json.dumps({
    name: re.sub(r" at 0x[0-9a-f]+", "", repr(getattr(settings, name)))
    for name in dir(settings) if name.isupper()
}))
"""


def _settings_in_copy(tmp_path, *, env=None, dot_env=None, module="config.settings.local"):
    """Every setting (name: repr) of a copy of config/ in tmp_path, so BASE_DIR/.env is ours
    to write; the process sees only `env` (and PATH)."""
    if not (tmp_path / "config").exists():
        shutil.copytree(
            settings.BASE_DIR / "config",
            tmp_path / "config",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        for package in ("shop", "guidance", "templates"):
            (tmp_path / package).symlink_to(settings.BASE_DIR / package)
    dot_env_path = tmp_path / ".env"
    dot_env_path.unlink(missing_ok=True)
    if dot_env is not None:
        dot_env_path.write_text(dot_env)
    result = subprocess.run(
        [sys.executable, "-c", DUMP_SETTINGS],
        cwd=tmp_path,
        env={
            "PATH": os.environ["PATH"],
            "PYTHONPATH": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": module,
            **(env or {}),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_dot_env_is_read_only_when_asked(tmp_path):
    dot_env = "SHOP_SALES_TAX_RATE=0.0725\nDJANGO_ALLOWED_HOSTS=shop.test\n"
    ignored = _settings_in_copy(tmp_path, dot_env=dot_env)
    read = _settings_in_copy(tmp_path, dot_env=dot_env, env={"DJANGO_READ_DOT_ENV_FILE": "true"})
    assert (ignored["SHOP_SALES_TAX_RATE"], ignored["ALLOWED_HOSTS"]) == (
        "Decimal('0')",
        "['127.0.0.1', 'localhost']",
    )
    assert (read["SHOP_SALES_TAX_RATE"], read["ALLOWED_HOSTS"]) == (
        "Decimal('0.0725')",
        "['shop.test']",
    )


def test_the_environment_wins_over_dot_env(tmp_path):
    read = _settings_in_copy(
        tmp_path,
        dot_env="SHOP_SALES_TAX_RATE=0.0725\n",
        env={"DJANGO_READ_DOT_ENV_FILE": "true", "SHOP_SALES_TAX_RATE": "0.05"},
    )
    assert read["SHOP_SALES_TAX_RATE"] == "Decimal('0.05')"


def test_a_copy_of_env_example_changes_no_local_setting(tmp_path):
    plain = _settings_in_copy(tmp_path)
    copied = _settings_in_copy(
        tmp_path,
        dot_env=(settings.BASE_DIR / ".env.example").read_text(),
        env={"DJANGO_READ_DOT_ENV_FILE": "true"},
    )
    assert {name: value for name, value in copied.items() if plain.get(name) != value} == {}
    assert plain["STATIC_ROOT"] == repr(tmp_path / "var" / "static")


def test_empty_values_give_the_defaults(tmp_path):
    empty = {
        name: ""
        for name in (
            "DJANGO_ALLOWED_HOSTS",
            "SITE_URL",
            "STATIC_ROOT",
            "MEDIA_ROOT",
            "EMAIL_FILE_PATH",
            "DATABASE_URL",
            "CACHE_URL",
            "CELERY_BROKER_URL",
            "DJANGO_ADMIN_URL",
            "STRIPE_WEBHOOK_SECRET",
            "SHOP_STRIPE_PAYMENT_METHOD_TYPES",
            "FOLLOWUPS_TIPS_DAYS",
            "SHOP_CODE_RATE_LIMIT",
        )
    }
    assert _settings_in_copy(tmp_path, env=empty) == _settings_in_copy(tmp_path)
    defaults = _settings_in_copy(tmp_path, env=empty)
    assert defaults["STATIC_ROOT"] == repr(tmp_path / "var" / "static")
    assert defaults["EMAIL_FILE_PATH"] == repr(tmp_path / "var" / "outbox")
    assert defaults["SITE_URL"] == "'http://127.0.0.1:8000'"
    assert defaults["SHOP_STRIPE_PAYMENT_METHOD_TYPES"] == "['card']"


def test_production_refuses_an_empty_required_value():
    result = manage("check", env={**REALISTIC_ENV, "STRIPE_WEBHOOK_SECRET": ""})
    assert result.returncode != 0
    assert "Production settings: Set the STRIPE_WEBHOOK_SECRET environment variable" in (
        result.stderr
    )

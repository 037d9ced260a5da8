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


def test_the_access_log_redacts_bearer_values(tmp_path):
    """A real gunicorn with our config: the return page's session_id and a result's token (the
    only credential for someone's result) are not in its access log, the rest of the line is."""
    import socket
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path / "access.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
        | {"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    paths = [
        "/checkout/stripe/return/?session_id=cs_test_SECRET1&x=1",
        "/guidance/results/SECRET2tokenXYZ/",
        "/email/unsubscribe/SECRET3.sig/",
    ]
    try:
        for path in paths:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10)
                    break
                except urllib.error.HTTPError:
                    break  # any answer is logged
                except OSError:
                    time.sleep(0.1)  # not listening yet
        for _ in range(50):
            if log.read_text().count('"GET ') >= len(paths):
                break
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [line for line in log.read_text().splitlines() if '"GET ' in line]
    text = "\n".join(lines)
    assert len(lines) == 3, log.read_text()
    assert "SECRET" not in text
    assert "/checkout/stripe/return/?session_id=[redacted]&x=1" in text
    assert "/guidance/results/[redacted]/" in text
    assert "/email/unsubscribe/[redacted]/" in text


def test_an_empty_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "")
    monkeypatch.setenv("GUNICORN_BIND", "")
    monkeypatch.setenv("PORT", "")
    config = runpy.run_path(str(settings.BASE_DIR / "config" / "gunicorn.py"))
    assert config["workers"] == 2
    assert config["bind"] == "0.0.0.0:8000"

"""`python -m shop.payment.standin` (what `make run` starts) and production's Stripe settings."""

import os
import socket
import subprocess
import sys

import requests
from django.conf import settings

from tests.helpers.settings import REALISTIC_ENV, manage


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(env_overrides: dict[str, str], *args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRIPE_")}
    return subprocess.Popen(
        [sys.executable, "-m", "shop.payment.standin", *args],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.local", **env_overrides},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


def test_without_a_secret_key_it_serves_the_api_with_the_fixed_key():
    port = _free_port()
    process = _start({}, "--port", str(port), "--no-webhooks")
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith(f"stripe-standin: API on http://127.0.0.1:{port},")
        response = requests.get(
            f"http://127.0.0.1:{port}/v1/checkout/sessions/cs_test_none",
            headers={"Authorization": f"Bearer {settings.STRIPE_STANDIN_SECRET_KEY}"},
            timeout=10,
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "resource_missing"
    finally:
        _stop(process)


def test_with_a_secret_key_it_idles_instead_of_exiting():
    process = _start({"STRIPE_SECRET_KEY": "sk_test_real"}, "--port", str(_free_port()))
    try:
        assert process.stdout.readline() == (
            "stripe-standin: STRIPE_SECRET_KEY is set, the shop uses Stripe; idling.\n"
        )
        assert process.poll() is None  # exiting would make honcho stop `make run`
    finally:
        _stop(process)


def test_production_refuses_to_boot_without_stripe_secrets():
    for missing in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
        env = {**REALISTIC_ENV, missing: ""}
        result = manage("check", env=env)
        assert result.returncode != 0
        assert f"Set the {missing} environment variable" in result.stderr

"""`python -m shop.payment.standin [--port 12111] [--webhook-url URL]`: run the stand-in.

Defaults come from the Django settings (STRIPE_API_BASE's port, STRIPE_WEBHOOK_SECRET,
STRIPE_STANDIN_WEBHOOK_URL). A sweeper thread expires sessions when their expires_at passes and
POSTs `checkout.session.expired` to the webhook URL; the test controls are listed in
control_routes.py. With STRIPE_SECRET_KEY set the shop talks to Stripe itself, so the
stand-in only says so and idles: exiting would make honcho stop every other process of `make run`.
"""

import argparse
import os
import signal
import sys
from urllib.parse import urlsplit

from .server import StandinServer


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.conf import settings

    parser = argparse.ArgumentParser(prog="python -m shop.payment.standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=urlsplit(settings.STRIPE_API_BASE).port or 12111
    )
    parser.add_argument("--webhook-url", default=settings.STRIPE_STANDIN_WEBHOOK_URL)
    parser.add_argument(
        "--no-webhooks",
        action="store_true",
        help="keep events (GET /_standin/events) but do not POST them",
    )
    parser.add_argument(
        "--always", action="store_true", help="run even when STRIPE_SECRET_KEY is set"
    )
    args = parser.parse_args(argv)

    if settings.STRIPE_SECRET_KEY and not args.always:
        print("stripe-standin: STRIPE_SECRET_KEY is set, the shop uses Stripe; idling.", flush=True)
        signal.pause()
        return

    server = StandinServer(
        host=args.host,
        port=args.port,
        api_key=settings.STRIPE_STANDIN_SECRET_KEY,
        webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
        webhook_url=args.webhook_url,
        auto_deliver=not args.no_webhooks,
        quiet=False,
    )
    print(
        f"stripe-standin: API on {server.url}, hosted pages on {server.url}/pay/<session id>, "
        f"webhooks to {args.webhook_url or '(none)'}",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()

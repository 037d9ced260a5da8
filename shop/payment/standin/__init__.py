"""A local stand-in for the parts of Stripe the shop uses, so `make run` and the tests make real
HTTP calls with the real `stripe` client and no internet.

Why a small server of our own and not `localstripe` (PyPI): localstripe fakes PaymentIntents,
refunds and signed webhooks, but not Checkout Sessions or a hosted payment page, and those are
the heart of our flow; extending it would mean patching its aiohttp app and object model for
most of what we need. About 2,000 lines of standard library (`http.server` in a
ThreadingHTTPServer) cover exactly our calls, keep state in memory, and add the controls tests
need (switch automatic webhook delivery off, read the signed events, pay without a browser).

What it implements (objects carry every field Stripe always sends, see `objects.py`):
- POST /v1/checkout/sessions, GET /v1/checkout/sessions[/{id}], POST .../{id}/expire
- POST /v1/refunds, GET /v1/refunds/{id}, GET /v1/payment_intents/{id}, GET /v1/charges/{id}
- `Authorization: Bearer <key>` checked; `Idempotency-Key` honoured (same key and parameters:
  the same object again; same key, other parameters: 400 idempotency_error)
- requests checked like Stripe checks them (`params.py`): unknown parameters at any depth
  (parameter_unknown), types, metadata limits, ISO currencies, payment method types, and
  Idempotency-Key lengths of 1 to 255; errors as Stripe sends them: HTTP 400/401/402/404 with
  `{"error": {type, code, message, param, doc_url}}`
- sessions expire at `expires_at` (30 minutes to 24 hours, default 24 h) on a clock tests can
  advance, found by any access or a sweeper thread; card and delayed (bank debit) payments
- injected faults for the API (500, 400, 401, or a hang that answers nothing)
- the hosted page `/pay/{session_id}`: a plain HTML form (no JavaScript) taking Stripe's test
  cards (see TEST_CARDS), with a 3-D Secure page, a decline message, and a cancel link
- events `checkout.session.completed`, `checkout.session.expired`,
  `checkout.session.async_payment_succeeded`/`_failed`, `charge.refunded`, signed like
  Stripe (`Stripe-Signature: t=...,v1=hex(HMAC-SHA256(secret, f"{t}.{body}"))`) and POSTed to
  the webhook URL from a background thread, retried on non-2xx or connection errors
- test controls under /_standin/ (`control_routes.py`; `control.py` is their client)

Run it with `python -m shop.payment.standin --port 12111`; in tests use `StandinServer`.
"""

from .server import TEST_CARDS, StandinServer, sign

__all__ = ["TEST_CARDS", "StandinServer", "sign"]

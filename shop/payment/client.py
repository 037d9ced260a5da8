"""The only module that imports `stripe`: every call the shop makes to Stripe, as plain data.

Functions are keyword-only and return frozen dataclasses, never stripe objects (stripe 16's
objects are not dicts), so no other module depends on stripe's types. Amounts cross this
boundary as `Decimal` in the currency's major unit and go to Stripe as exact integers of the
minor unit; anything that would need rounding is refused. Network and API failures raise
`PaymentProviderError`; a webhook that fails verification raises `SignatureError`.

With `STRIPE_SECRET_KEY` empty the client talks to the local stand-in
(`python -m shop.payment.standin`) at `STRIPE_API_BASE` with its fixed fake key.

Each HTTP attempt waits at most `STRIPE_TIMEOUT_SECONDS` and is retried up to
`STRIPE_MAX_NETWORK_RETRIES` times (stripe's backoff). Inside `with deadline(seconds):` (customer
requests: `STRIPE_REQUEST_DEADLINE_SECONDS`) all calls share one budget, retries and backoff
included: an attempt's timeout is cut to what is left and no retry starts that could not finish,
so a hanging Stripe costs the customer that long and then a clear message, never the web timeout.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import stripe
from django.conf import settings

logger = logging.getLogger(__name__)

# Stripe counts these currencies in whole units (https://docs.stripe.com/currencies#zero-decimal).
ZERO_DECIMAL_CURRENCIES = frozenset(
    "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split()
)


class PaymentProviderError(Exception):
    """Stripe could not be reached or refused the request.

    `http_status` is None for network errors; `code` is Stripe's error code when it gave one
    (e.g. "resource_missing", "card_declined", "idempotency_error").
    """

    def __init__(self, message: str, *, http_status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.http_status = http_status
        self.code = code


class SignatureError(Exception):
    """A webhook whose signature, timestamp or payload does not verify."""


class EventUnreadable(SignatureError):
    """A validly signed webhook with a field we cannot store or read (out of range, a NUL
    byte, too long): a bad event, answered 400, never retried by us into a loop."""


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str | None
    status: str  # "open", "complete" or "expired"
    payment_status: str  # "unpaid", "paid" or "no_payment_required"
    amount_total: Decimal
    currency: str  # lower case, as Stripe reports it
    client_reference_id: str | None
    payment_intent_id: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    expires_at: datetime | None = None

    @classmethod
    def from_stripe_data(cls, data: dict[str, Any]) -> CheckoutSession:
        """From a session as Stripe sends it (a webhook's `data_object`, or the API's JSON)."""
        intent = data.get("payment_intent")
        if isinstance(intent, dict):  # expanded
            intent = intent.get("id")
        currency = (data.get("currency") or "").lower()
        return cls(
            id=data["id"],
            url=data.get("url"),
            status=data.get("status") or "",
            payment_status=data.get("payment_status") or "",
            amount_total=amount_from_minor_units(data.get("amount_total") or 0, currency),
            currency=currency,
            client_reference_id=data.get("client_reference_id"),
            payment_intent_id=intent,
            metadata=dict(data.get("metadata") or {}),
            expires_at=(
                datetime.fromtimestamp(int(data["expires_at"]), tz=UTC)
                if data.get("expires_at")
                else None
            ),
        )


@dataclass(frozen=True)
class Refund:
    id: str
    amount: Decimal
    currency: str
    status: str  # "succeeded", "pending", "failed", "canceled", "requires_action"
    payment_intent_id: str | None

    @classmethod
    def from_stripe_data(cls, data: dict[str, Any]) -> Refund:
        currency = (data.get("currency") or "").lower()
        return cls(
            id=data["id"],
            amount=amount_from_minor_units(data.get("amount") or 0, currency),
            currency=currency,
            status=data.get("status") or "",
            payment_intent_id=data.get("payment_intent"),
        )


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    created: datetime  # when Stripe created the event (UTC); deliveries may arrive out of order
    data_object: dict[str, Any]  # the event's `data.object`, as plain JSON data


# --- Amounts -------------------------------------------------------------------------


def amount_to_minor_units(amount: Decimal, currency: str) -> int:
    """`Decimal("49.90"), "usd"` -> 4990. Refuses amounts that would need rounding."""
    exponent = 0 if currency.lower() in ZERO_DECIMAL_CURRENCIES else 2
    minor = Decimal(amount).scaleb(exponent)
    if minor != minor.to_integral_value() or minor < 0:
        raise ValueError(f"{amount} {currency} is not a whole number of minor units")
    return int(minor)


def amount_from_minor_units(minor: int, currency: str) -> Decimal:
    exponent = 0 if currency.lower() in ZERO_DECIMAL_CURRENCIES else 2
    return Decimal(int(minor)).scaleb(-exponent)


# --- Client --------------------------------------------------------------------------

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "stripe_deadline", default=None
)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every Stripe call inside shares one budget of `seconds` (an outer deadline wins)."""
    if _deadline.get() is not None:
        yield
        return
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _remaining() -> float | None:
    end = _deadline.get()
    return None if end is None else end - time.monotonic()


class _DeadlineRequestsClient(stripe.RequestsClient):
    """stripe's requests client, bounded by the caller's `deadline()` when there is one."""

    @property
    def _timeout(self) -> float:  # read by RequestsClient for every attempt
        remaining = _remaining()
        if remaining is None:
            return self._attempt_timeout
        return max(0.01, min(self._attempt_timeout, remaining))

    @_timeout.setter
    def _timeout(self, value: float) -> None:
        self._attempt_timeout = value

    # RequestsClient's own signature, which already differs from its base HTTPClient's.
    def request(self, method, url, headers, post_data=None):  # type: ignore[override]
        remaining = _remaining()
        if remaining is not None and remaining <= 0:
            raise stripe.APIConnectionError("No time left for a Stripe request", should_retry=False)
        return super().request(method, url, headers, post_data)

    def _should_retry(self, response, api_connection_error, num_retries, max_network_retries):
        remaining = _remaining()
        # the next backoff (stripe: 0.5 s doubling, at most 5 s) plus a useful attempt
        if remaining is not None and remaining < min(0.5 * 2**num_retries, 5.0) + 0.5:
            return False
        return super()._should_retry(
            response, api_connection_error, num_retries, max_network_retries
        )


@functools.cache
def _client_for(api_key: str, api_base: str, timeout: float, retries: int) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base},
        max_network_retries=retries,
        http_client=_DeadlineRequestsClient(timeout=timeout),
    )


def _client() -> stripe.StripeClient:
    # Read settings on every call (tests point them at a stand-in); the client is cached per value.
    return _client_for(
        settings.STRIPE_SECRET_KEY or settings.STRIPE_STANDIN_SECRET_KEY,
        settings.STRIPE_API_BASE,
        float(settings.STRIPE_TIMEOUT_SECONDS),
        int(settings.STRIPE_MAX_NETWORK_RETRIES),
    )


def _provider_error(exc: stripe.StripeError, *, call: str) -> PaymentProviderError:
    """Log the failed call (one line per call, retries included) and wrap it for the caller.

    The line carries Stripe's status, code and request id, never its message, which may quote
    what was sent (an email address)."""
    logger.warning(
        "stripe call failed",
        extra={
            "call": call,
            "error": exc.__class__.__name__,
            "http_status": exc.http_status,
            "code": exc.code,
            "request_id": exc.request_id,
        },
    )
    message = exc.user_message or str(exc) or exc.__class__.__name__
    return PaymentProviderError(message, http_status=exc.http_status, code=exc.code)


def _data(obj: Any) -> dict[str, Any]:
    return obj.to_dict(recursive=True)


# --- Checkout Sessions -----------------------------------------------------------------


def checkout_session_create(
    *,
    order_number: str,
    amount: Decimal,
    currency: str,
    customer_email: str,
    success_url: str,
    cancel_url: str,
    metadata: dict[str, str],
    idempotency_key: str,
    expires_at: datetime | None = None,
    payment_method_types: list[str] | tuple[str, ...] = (),
) -> CheckoutSession:
    """A hosted Checkout Session for the final amount the shop computed, as one line item.

    Promotion codes stay off (the shop owns discounts). `success_url` may contain Stripe's
    `{CHECKOUT_SESSION_ID}` placeholder. Use a new idempotency key per payment attempt.
    `expires_at` must be 30 minutes to 24 hours away (Stripe's bounds; None: Stripe's 24 h); an
    empty `payment_method_types` lets Stripe choose (dynamic payment methods, some delayed).
    """
    currency = currency.lower()
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency,
                    "unit_amount": amount_to_minor_units(amount, currency),
                    "product_data": {"name": f"ReLeaf order {order_number}"},
                },
            }
        ],
        "client_reference_id": order_number,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
    }
    if expires_at is not None:
        params["expires_at"] = int(expires_at.timestamp())
    if payment_method_types:  # API 2026-09-30+: a filter on the dashboard's payment methods
        params["allowed_payment_method_types"] = list(payment_method_types)
    if customer_email:
        params["customer_email"] = customer_email
    try:
        session = _client().v1.checkout.sessions.create(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _provider_error(exc, call="checkout_session_create") from exc
    return CheckoutSession.from_stripe_data(_data(session))


def checkout_session_retrieve(*, session_id: str) -> CheckoutSession:
    try:
        session = _client().v1.checkout.sessions.retrieve(session_id)
    except stripe.StripeError as exc:
        raise _provider_error(exc, call="checkout_session_retrieve") from exc
    return CheckoutSession.from_stripe_data(_data(session))


def checkout_session_expire(*, session_id: str) -> CheckoutSession:
    """Expire an open session so it can no longer be paid (Stripe refuses unless it is open)."""
    try:
        session = _client().v1.checkout.sessions.expire(session_id)
    except stripe.StripeError as exc:
        raise _provider_error(exc, call="checkout_session_expire") from exc
    return CheckoutSession.from_stripe_data(_data(session))


# --- Refunds ---------------------------------------------------------------------------


def refund_create(
    *,
    payment_intent_id: str,
    amount: Decimal,
    currency: str,
    idempotency_key: str,
    metadata: dict,
) -> Refund:
    """Refund `amount` of a payment. `currency` is the payment's; it sets the minor units."""
    try:
        refund = _client().v1.refunds.create(
            params={
                "payment_intent": payment_intent_id,
                "amount": amount_to_minor_units(amount, currency),
                "metadata": {str(k): str(v) for k, v in metadata.items()},
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _provider_error(exc, call="refund_create") from exc
    result = Refund.from_stripe_data(_data(refund))
    if result.currency != currency.lower():
        logger.warning(
            "stripe call failed",
            extra={"call": "refund_create", "error": "currency_mismatch", "refund": result.id},
        )
        raise PaymentProviderError(
            f"Refund {result.id} is in {result.currency}, expected {currency.lower()}"
        )
    return result


# --- Webhooks --------------------------------------------------------------------------


def webhook_event_construct(*, payload: bytes, signature_header: str) -> WebhookEvent:
    """Verify a webhook on its raw body against STRIPE_WEBHOOK_SECRET and parse it.

    Uses stripe's own verifier (HMAC-SHA256 over "t.payload", 5 minutes' tolerance).
    """
    try:
        stripe.WebhookSignature.verify_header(
            payload,
            signature_header,
            settings.STRIPE_WEBHOOK_SECRET,
            stripe.Webhook.DEFAULT_TOLERANCE,
        )
    except stripe.SignatureVerificationError as exc:
        raise SignatureError(str(exc)) from exc
    except ValueError as exc:  # a body that is not UTF-8
        raise EventUnreadable(f"Unreadable webhook payload: {type(exc).__name__}") from exc
    try:
        event = json.loads(payload)
        parsed = WebhookEvent(
            id=str(event["id"]),
            type=str(event["type"]),
            created=datetime.fromtimestamp(int(event["created"]), tz=UTC),
            data_object=dict(event["data"]["object"]),
        )
    # ValueError includes UnicodeDecodeError and JSON errors; OverflowError and OSError an
    # out-of-range timestamp
    except (ValueError, KeyError, TypeError, OverflowError, OSError) as exc:
        raise EventUnreadable(f"Unreadable webhook payload: {type(exc).__name__}") from exc
    if _has_nul(event) or len(parsed.id) > 255 or len(parsed.type) > 100:
        raise EventUnreadable("Unreadable webhook payload: a field cannot be stored")
    return parsed

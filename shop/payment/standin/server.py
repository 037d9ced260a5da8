"""The stand-in's state, HTTP handler and `StandinServer` (see the package docstring).

Test controls (no authentication; JSON in and out, forms accepted too):
- GET  /_standin/config                 -> {"webhook_url", "auto_deliver", "retry_delays"}
- POST /_standin/config                 webhook_url=..., auto_deliver=true|false,
                                        retry_delays=0.1,0.5 (seconds between delivery attempts)
- GET  /_standin/events[?type=...&related_to=<session, payment intent or charge id>]
       -> {"data": [{"id", "type", "payload" (the exact body), "signature_header" (freshly
          signed), "delivered", "attempts": [{"status", "at"}], "event"}]} in creation order
- POST /_standin/events/{event_id}/deliver -> delivers once now; {"status": <endpoint's status>}
- POST /_standin/sessions/{id}/pay      card=4242424242424242[&three_d_secure=approve|fail]
                                        -> 200 session JSON, or 402 card error like Stripe's;
                                        method=delayed: a bank debit (us_bank_account) that
                                        completes the session unpaid until its async_result
- POST /_standin/sessions/{id}/async_result  outcome=succeeded|failed -> 200 session JSON
- POST /_standin/sessions/{id}/expire   -> like the API's expire, without a key
- GET  /_standin/faults                 -> {"mode", "count", "remaining", "path_prefix",
                                            "hang_seconds", "affected", "active"}
- POST /_standin/faults                 mode=none|error_500|error_400|error_401|hang
                                        [&count=N (-1 or absent: until cleared)]
                                        [&path_prefix=/v1/checkout/sessions (default /v1/)]
                                        [&hang_seconds=120] -> the fault as GET shows it.
                                        Only /v1/ requests are affected, and change nothing.
- GET  /_standin/clock                  -> {"now": unix seconds, "offset": seconds}
- POST /_standin/clock                  advance=<seconds> -> moves "now" forward (created,
                                        expires_at, event created); expires what is due
- POST /_standin/reset                  -> forgets every object and event, clears the fault,
                                        sets the clock offset back to 0
"""

from __future__ import annotations

import copy
import functools
import hashlib
import hmac
import html
import json
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

DEFAULT_API_KEY = "sk_test_standin"
DEFAULT_WEBHOOK_SECRET = "whsec_standin_local_only_not_a_secret"
DEFAULT_RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 16.0)  # Stripe retries for days; we stop after ~30 s
API_VERSION = "2025-09-30.clover"
SESSION_LIFETIME_SECONDS = 24 * 60 * 60  # Stripe's default and maximum expires_at
SESSION_MIN_LIFETIME_SECONDS = 30 * 60
SWEEP_INTERVAL_SECONDS = 1.0
FAULT_MODES = ("none", "error_500", "error_400", "error_401", "hang")
DEFAULT_HANG_SECONDS = 120.0
# What the stand-in's "dashboard" has switched on; a session offers these unless told otherwise.
PAYMENT_METHOD_TYPES = ("card", "us_bank_account")
METADATA_MAX_KEYS, METADATA_KEY_MAX_LENGTH, METADATA_VALUE_MAX_LENGTH = 50, 40, 500

# Top-level parameters Stripe documents, as stripe 16 types them (API 2026-10-28.endive); Stripe
# refuses any other with parameter_unknown. API versions from 2026-09-30.endive on removed
# `payment_method_types` from session create (`allowed_payment_method_types` replaces it), so
# which of the two is known depends on the request's Stripe-Version.
ENDIVE_REMOVES_PAYMENT_METHOD_TYPES = "2026-09-30"
SESSION_CREATE_PARAMS = frozenset(
    """adaptive_pricing after_expiration allow_promotion_codes allowed_payment_method_types
    automatic_tax billing_address_collection branding_settings cancel_url client_reference_id
    consent_collection currency custom_fields custom_text customer customer_account
    customer_creation customer_email customer_update discounts excluded_payment_method_types
    expand expires_at integration_identifier invoice_creation line_items locale managed_payments
    metadata mode name_collection optional_items origin_context payment_intent_data
    payment_method_collection payment_method_configuration payment_method_data
    payment_method_options permissions phone_number_collection redirect_on_completion return_url
    saved_payment_method_options setup_intent_data shipping_address_collection shipping_options
    submit_type subscription_data success_url tax_id_collection ui_mode wallet_options""".split()
)
SESSION_CREATE_PARAMS_BEFORE_ENDIVE = (SESSION_CREATE_PARAMS - {"allowed_payment_method_types"}) | {
    "payment_method_types"
}
REFUND_CREATE_PARAMS = frozenset(
    """amount charge currency customer expand instructions_email metadata origin payment_intent
    reason refund_application_fee reverse_transfer""".split()
)

# number -> outcome; any other number is "incorrect". Messages are Stripe's.
TEST_CARDS: dict[str, str] = {
    "4242424242424242": "succeeds",
    "4000000000000341": "is declined",
    "4000000000000002": "is declined",
    "4000000000009995": "is declined (insufficient funds)",
    "4000002760003184": "asks for 3-D Secure (Approve or Fail)",
}
_DECLINES = {
    "4000000000000341": ("generic_decline", "Your card was declined."),
    "4000000000000002": ("generic_decline", "Your card was declined."),
    "4000000000009995": ("insufficient_funds", "Your card has insufficient funds."),
}
_THREE_D_SECURE = {"4000002760003184"}
AUTHENTICATION_FAILED = (
    "We are unable to authenticate your payment method. Please choose a different payment "
    "method and try again."
)
_PAGE_MESSAGES = {"authentication_failed": AUTHENTICATION_FAILED}


class StripeError(Exception):
    """Becomes `{"error": {...}}` with this HTTP status."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"type": type, "message": message}
        for key, value in (("code", code), ("param", param), ("decline_code", decline_code)):
            if value is not None:
                self.body[key] = value


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def _missing(kind: str, object_id: str, param: str) -> StripeError:
    return StripeError(404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param)


def decode_form(body: str) -> dict[str, Any]:
    """Stripe's form encoding (`a[b][0][c]=1`) back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        head = key.split("[", 1)[0]
        path = [head, *re.findall(r"\[([^\]]*)\]", key)]
        node = root
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[path[-1]] = value
    return _listify(root)


def _listify(node: Any, key: str = "") -> Any:
    if not isinstance(node, dict):
        return node
    if key == "metadata":  # free-form keys, even "0"
        return dict(node)
    items = {k: _listify(v, k) for k, v in node.items()}
    if items and all(k.isdigit() for k in items):
        return [items[k] for k in sorted(items, key=int)]
    return items


def _int_param(value: Any, param: str, *, minimum: int = 0) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise StripeError(400, f"Invalid integer: {value}", param=param) from None
    if number < minimum:
        raise StripeError(
            400, f"This value must be greater than or equal to {minimum}.", param=param
        )
    return number


def _metadata(value: Any, param: str) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise StripeError(400, "Invalid object", param=param)
    metadata = {str(k): str(v) for k, v in value.items()}
    if len(metadata) > METADATA_MAX_KEYS:
        raise StripeError(
            400,
            f"Invalid {param}: metadata can have up to {METADATA_MAX_KEYS} keys, but you passed in {len(metadata)} keys.",
            param=param,
        )
    for key, text in metadata.items():
        if len(key) > METADATA_KEY_MAX_LENGTH:
            raise StripeError(
                400,
                f"Metadata keys can have up to {METADATA_KEY_MAX_LENGTH} characters, but you passed in a key that is {len(key)} characters.",
                param=f"{param}[{key}]",
            )
        if len(text) > METADATA_VALUE_MAX_LENGTH:
            raise StripeError(
                400,
                f"Metadata values can have up to {METADATA_VALUE_MAX_LENGTH} characters, but you passed in a value that is {len(text)} characters.",
                param=f"{param}[{key}]",
            )
    return metadata


def _refuse_unknown(params: dict[str, Any], known: frozenset[str], hint: str = "") -> None:
    for name in params:
        if name not in known:
            raise StripeError(
                400,
                f"Received unknown parameter: {name}{hint if name == 'payment_method_types' else ''}",
                code="parameter_unknown",
                param=name,
            )


def _payment_method_types(value: Any, param: str) -> list[str] | None:
    """A list of known types, or None when the parameter is absent (use the dashboard's)."""
    if value in (None, ""):
        return None
    if not isinstance(value, list):
        raise StripeError(400, "Invalid array", param=param)
    for index, kind in enumerate(value):
        if kind not in PAYMENT_METHOD_TYPES:
            raise StripeError(
                400,
                f"Invalid {param}[{index}]: must be one of {' or '.join(PAYMENT_METHOD_TYPES)}",
                param=f"{param}[{index}]",
            )
    return list(value)


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header value for `payload`, exactly as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


@dataclass
class EventRecord:
    event: dict[str, Any]
    payload: str
    attempts: list[dict[str, Any]] = field(default_factory=list)
    delivered: bool = False


@dataclass
class Fault:
    """What the next matching /v1/ requests get instead of an answer (see POST /_standin/faults)."""

    mode: str = "none"
    count: int = -1  # as set; -1: until cleared
    remaining: int = -1  # how many more it affects; -1: until cleared
    path_prefix: str = "/v1/"
    hang_seconds: float | None = None
    affected: int = 0
    released: threading.Event = field(default_factory=threading.Event)  # ends hangs

    @property
    def active(self) -> bool:
        return self.mode != "none" and self.remaining != 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "count": self.count,
            "remaining": self.remaining,
            "path_prefix": self.path_prefix,
            "hang_seconds": self.hang_seconds,
            "affected": self.affected,
            "active": self.active,
        }


class Standin:
    """All objects in memory. Every public method takes the lock; HTTP handlers only call these."""

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_API_KEY,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
        webhook_url: str = "",
        auto_deliver: bool = True,
        retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS,
        log=None,
    ):
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        self.auto_deliver = auto_deliver
        self.retry_delays = tuple(retry_delays)
        self.log = log or (lambda message: None)
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.release_hangs()
            self.fault = Fault()
            self.clock_offset = 0.0
            self.sessions: dict[str, dict[str, Any]] = {}
            self.session_private: dict[str, dict[str, Any]] = {}
            self.payment_intents: dict[str, dict[str, Any]] = {}
            self.charges: dict[str, dict[str, Any]] = {}
            self.refunds: dict[str, dict[str, Any]] = {}
            self.events: list[EventRecord] = []
            self._idempotency: dict[str, tuple[str, int, dict[str, Any]]] = {}

    # --- Clock and faults ----------------------------------------------------------

    def now(self) -> int:
        """The stand-in's unix time: the real one plus what tests advanced it by."""
        return int(time.time() + self.clock_offset)

    def clock(self) -> dict[str, Any]:
        return {"now": self.now(), "offset": self.clock_offset}

    def clock_advance(self, seconds: Any) -> dict[str, Any]:
        try:
            step = float(str(seconds))
        except ValueError:
            raise StripeError(400, f"Invalid number: {seconds}", param="advance") from None
        if not step >= 0:  # also refuses NaN
            raise StripeError(400, "The clock only moves forward.", param="advance")
        with self.lock:
            self.clock_offset += step
            self.expire_due()
            return self.clock()

    def fault_set(
        self, *, mode: Any, count: Any = None, path_prefix: Any = None, hang_seconds: Any = None
    ) -> dict[str, Any]:
        """Replace the fault (which ends requests hanging under the old one)."""
        if mode not in FAULT_MODES:
            raise StripeError(
                400, f"Invalid mode: must be one of {', '.join(FAULT_MODES)}", param="mode"
            )
        times = -1 if count in (None, "") else _int_param(count, "count", minimum=-1)
        if times == 0:
            raise StripeError(400, "count must be -1 (until cleared) or at least 1.", param="count")
        prefix = str(path_prefix or "/v1/")
        if not prefix.startswith("/v1"):
            raise StripeError(400, "Faults only apply to the API (/v1/...).", param="path_prefix")
        hang = None
        if mode == "hang":
            try:
                hang = DEFAULT_HANG_SECONDS if hang_seconds in (None, "") else float(hang_seconds)
            except (TypeError, ValueError):
                raise StripeError(
                    400, f"Invalid number: {hang_seconds}", param="hang_seconds"
                ) from None
            if not hang > 0:
                raise StripeError(400, "hang_seconds must be positive.", param="hang_seconds")
        elif hang_seconds not in (None, ""):
            raise StripeError(400, "hang_seconds only applies to mode=hang.", param="hang_seconds")
        with self.lock:
            self.fault.released.set()
            self.fault = Fault(
                mode=str(mode),
                count=times,
                remaining=times,
                path_prefix=prefix,
                hang_seconds=hang,
            )
            return self.fault.as_dict()

    def fault_get(self) -> dict[str, Any]:
        with self.lock:
            return self.fault.as_dict()

    def fault_take(self, path: str) -> Fault | None:
        """The fault this API request gets (counted), or None to serve it normally."""
        with self.lock:
            fault = self.fault
            if not fault.active or not path.startswith(fault.path_prefix):
                return None
            fault.affected += 1
            if fault.remaining > 0:
                fault.remaining -= 1
            return fault

    def release_hangs(self) -> None:
        """End every request hanging now (the server stops, or the fault is cleared)."""
        with self.lock:
            fault = getattr(self, "fault", None)
            if fault is not None:
                fault.released.set()

    # --- Checkout Sessions ---------------------------------------------------------

    def expire_due(self) -> None:
        """Expire every open session whose expires_at has come (once: it is then not open)."""
        with self.lock:
            now = self.now()
            for session in self.sessions.values():
                if session["status"] == "open" and now >= session["expires_at"]:
                    self._expire(session)

    def _expire(self, session: dict[str, Any]) -> None:
        session["status"] = "expired"
        session["url"] = None
        self._emit("checkout.session.expired", session)

    def session_create(
        self, params: dict[str, Any], *, base_url: str, api_version: str = ""
    ) -> dict[str, Any]:
        """`api_version` is the request's Stripe-Version (empty: the stand-in's API_VERSION)."""
        endive = (api_version or API_VERSION)[:10] >= ENDIVE_REMOVES_PAYMENT_METHOD_TYPES
        _refuse_unknown(
            params,
            SESSION_CREATE_PARAMS if endive else SESSION_CREATE_PARAMS_BEFORE_ENDIVE,
            hint=" (removed from Checkout Session create in API version 2026-09-30.endive:"
            " use allowed_payment_method_types)",
        )
        mode = params.get("mode")
        if mode != "payment":
            raise StripeError(400, "The stand-in only supports mode=payment.", param="mode")
        if not params.get("success_url"):
            raise StripeError(
                400,
                "Missing required param: success_url.",
                code="parameter_missing",
                param="success_url",
            )
        line_items = params.get("line_items")
        if not isinstance(line_items, list) or not line_items:
            raise StripeError(
                400,
                "Missing required param: line_items.",
                code="parameter_missing",
                param="line_items",
            )
        total, currency, names = 0, None, []
        for index, item in enumerate(line_items):
            param = f"line_items[{index}]"
            price = item.get("price_data") if isinstance(item, dict) else None
            if not isinstance(price, dict):
                raise StripeError(
                    400,
                    "The stand-in needs price_data on every line item.",
                    param=f"{param}[price_data]",
                )
            item_currency = str(price.get("currency", "")).lower()
            if not re.fullmatch(r"[a-z]{3}", item_currency):
                raise StripeError(400, "Invalid currency.", param=f"{param}[price_data][currency]")
            if currency not in (None, item_currency):
                raise StripeError(
                    400,
                    "All line items must use the same currency.",
                    param=f"{param}[price_data][currency]",
                )
            currency = item_currency
            unit_amount = _int_param(price.get("unit_amount"), f"{param}[price_data][unit_amount]")
            quantity = _int_param(item.get("quantity", "1"), f"{param}[quantity]", minimum=1)
            product = price.get("product_data") or {}
            if not product.get("name"):
                raise StripeError(
                    400,
                    "Missing required param: product_data[name].",
                    code="parameter_missing",
                    param=f"{param}[price_data][product_data][name]",
                )
            names.append(str(product["name"]))
            total += unit_amount * quantity
        now = self.now()
        expires_at = now + SESSION_LIFETIME_SECONDS
        if params.get("expires_at") not in (None, ""):
            expires_at = _int_param(params["expires_at"], "expires_at")
            if expires_at < now + SESSION_MIN_LIFETIME_SECONDS:
                raise StripeError(
                    400,
                    "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.",
                    param="expires_at",
                )
            if expires_at > now + SESSION_LIFETIME_SECONDS:
                raise StripeError(
                    400,
                    "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
                    param="expires_at",
                )
        types_param = "allowed_payment_method_types" if endive else "payment_method_types"
        requested_types = _payment_method_types(params.get(types_param), types_param)
        session_id = _id("cs_test")
        allow_promo = params.get("allow_promotion_codes")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "allow_promotion_codes": None if allow_promo is None else allow_promo == "true",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer_details": None,
            "customer_email": params.get("customer_email"),
            "expires_at": expires_at,
            "livemode": False,
            "metadata": _metadata(params.get("metadata"), "metadata"),
            "mode": "payment",
            "payment_intent": None,
            "payment_method_types": requested_types or list(PAYMENT_METHOD_TYPES),
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params["success_url"],
            "url": f"{base_url}/pay/{session_id}",
        }
        if endive:
            session["allowed_payment_method_types"] = requested_types
        intent_data = params.get("payment_intent_data") or {}
        self.sessions[session_id] = session
        self.session_private[session_id] = {
            "names": names,
            "intent_metadata": _metadata(
                intent_data.get("metadata"), "payment_intent_data[metadata]"
            ),
            "pending_3ds": {},  # token -> card number
            "async_pending": False,  # a delayed payment waits for its async_result
        }
        return session

    def session_get(self, session_id: str) -> dict[str, Any]:
        with self.lock:
            self.expire_due()
            session = self.sessions.get(session_id)
            if session is None:
                raise _missing("checkout.session", session_id, "session")
            return copy.deepcopy(session)

    def session_list(self, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first, like Stripe's list; `limit` 1 to 100 (default 10), no pagination."""
        limit = _int_param(params.get("limit", "10"), "limit", minimum=1)
        if limit > 100:
            raise StripeError(400, "This value must be less than or equal to 100.", param="limit")
        with self.lock:
            self.expire_due()
            sessions = list(reversed(self.sessions.values()))
            return {
                "object": "list",
                "data": copy.deepcopy(sessions[:limit]),
                "has_more": len(sessions) > limit,
                "url": "/v1/checkout/sessions",
            }

    def session_expire(self, session_id: str) -> dict[str, Any]:
        with self.lock:
            self.expire_due()
            session = self.sessions.get(session_id)
            if session is None:
                raise _missing("checkout.session", session_id, "session")
            if session["status"] != "open":
                raise StripeError(
                    400,
                    f'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "{session["status"]}".',
                )
            self._expire(session)
            return copy.deepcopy(session)

    def session_pay(
        self,
        session_id: str,
        card_number: str,
        *,
        three_d_secure: str | None = None,
        method: str = "card",
    ) -> dict[str, Any]:
        """Charge a test card. Returns the session; raises StripeError(402) on a decline.

        With a 3-D Secure card and `three_d_secure=None`, returns {"requires_action": token}
        for the hosted page to show the challenge. `method="delayed"` pays by bank debit
        instead: the session completes unpaid and `session_async_result` settles it.
        """
        with self.lock:
            self.expire_due()
            session = self._open_session(session_id)
            if method not in ("card", "delayed"):
                raise StripeError(400, "Invalid method: must be card or delayed", param="method")
            kind = "card" if method == "card" else "us_bank_account"
            if kind not in session["payment_method_types"]:
                raise StripeError(
                    400,
                    f"This Checkout Session does not accept {kind} payments (payment_method_types: {', '.join(session['payment_method_types'])}).",
                    param="method",
                )
            if method == "delayed":
                return self._complete_delayed(session)
            number = re.sub(r"\D", "", card_number or "")
            if number in _DECLINES:
                decline_code, message = _DECLINES[number]
                raise StripeError(
                    402, message, type="card_error", code="card_declined", decline_code=decline_code
                )
            if number in _THREE_D_SECURE:
                if three_d_secure is None:
                    token = secrets.token_urlsafe(16)
                    self.session_private[session_id]["pending_3ds"][token] = number
                    return {"requires_action": token}
                if three_d_secure != "approve":
                    raise StripeError(
                        402,
                        AUTHENTICATION_FAILED,
                        type="card_error",
                        code="payment_intent_authentication_failure",
                    )
            elif number != "4242424242424242":
                raise StripeError(
                    402,
                    "Your card number is incorrect.",
                    type="card_error",
                    code="incorrect_number",
                    param="number",
                )
            return self._complete(session, number)

    def session_authenticate(self, session_id: str, token: str, *, approve: bool) -> dict[str, Any]:
        """The 3-D Secure challenge's answer for a pending attempt (token from session_pay)."""
        with self.lock:
            self.expire_due()
            self._open_session(session_id)
            number = self.session_private[session_id]["pending_3ds"].pop(token, None)
            if number is None:
                raise StripeError(
                    400, "This authentication has already been used or never existed."
                )
            return self.session_pay(
                session_id, number, three_d_secure="approve" if approve else "fail"
            )

    def _open_session(self, session_id: str) -> dict[str, Any]:
        session = self.sessions.get(session_id)
        if session is None:
            raise _missing("checkout.session", session_id, "session")
        if session["status"] != "open":
            raise StripeError(
                400,
                f"This Checkout Session is no longer active (status {session['status']}).",
                code="checkout_session_not_open",
            )
        return session

    def _complete(self, session: dict[str, Any], number: str) -> dict[str, Any]:
        details = {"type": "card", "card": {"brand": "visa", "last4": number[-4:]}}
        intent_id = self._payment_create(session, details, settled=True)
        session.update(
            status="complete",
            payment_status="paid",
            payment_intent=intent_id,
            customer_details={"email": session["customer_email"]},
            url=None,
        )
        self._emit("checkout.session.completed", session)
        return copy.deepcopy(session)

    def _complete_delayed(self, session: dict[str, Any]) -> dict[str, Any]:
        # Like Stripe's bank debits: the session completes and its payment intent exists
        # ("processing", charge "pending"), but nothing is paid until the async result.
        details = {
            "type": "us_bank_account",
            "us_bank_account": {"bank_name": "STRIPE TEST BANK", "last4": "6789"},
        }
        intent_id = self._payment_create(session, details, settled=False)
        self.session_private[session["id"]]["async_pending"] = True
        session.update(
            status="complete",
            payment_status="unpaid",
            payment_intent=intent_id,
            customer_details={"email": session["customer_email"]},
            url=None,
        )
        self._emit("checkout.session.completed", session)
        return copy.deepcopy(session)

    def session_async_result(self, session_id: str, outcome: str) -> dict[str, Any]:
        """Settle a delayed payment: emits checkout.session.async_payment_succeeded or _failed."""
        if outcome not in ("succeeded", "failed"):
            raise StripeError(400, "Invalid outcome: must be succeeded or failed", param="outcome")
        with self.lock:
            session = self.sessions.get(session_id)
            if session is None:
                raise _missing("checkout.session", session_id, "session")
            private = self.session_private[session_id]
            if not private["async_pending"]:
                raise StripeError(
                    400, "This Checkout Session has no delayed payment waiting for a result."
                )
            private["async_pending"] = False
            intent = self.payment_intents[session["payment_intent"]]
            charge = self.charges[intent["latest_charge"]]
            if outcome == "succeeded":
                charge.update(status="succeeded", paid=True)
                intent.update(status="succeeded", amount_received=intent["amount"])
                session["payment_status"] = "paid"
            else:
                charge.update(
                    status="failed",
                    failure_code="debit_not_authorized",
                    failure_message="The customer notified their bank that this payment was unauthorized.",
                )
                intent.update(status="requires_payment_method")
            self._emit(f"checkout.session.async_payment_{outcome}", session)
            return copy.deepcopy(session)

    def _payment_create(
        self, session: dict[str, Any], details: dict[str, Any], *, settled: bool
    ) -> str:
        """A payment intent and its charge for the session's total; returns the intent id."""
        now = self.now()
        metadata = dict(self.session_private[session["id"]]["intent_metadata"])
        intent_id, charge_id = _id("pi"), _id("ch")
        amount, currency = session["amount_total"], session["currency"]
        self.charges[charge_id] = {
            "id": charge_id,
            "object": "charge",
            "amount": amount,
            "amount_captured": amount,
            "amount_refunded": 0,
            "captured": True,
            "created": now,
            "currency": currency,
            "failure_code": None,
            "failure_message": None,
            "livemode": False,
            "metadata": metadata,
            "paid": settled,
            "payment_intent": intent_id,
            "payment_method_details": details,
            "refunded": False,
            "refunds": {
                "object": "list",
                "data": [],
                "has_more": False,
                "total_count": 0,
                "url": f"/v1/charges/{charge_id}/refunds",
            },
            "status": "succeeded" if settled else "pending",
        }
        self.payment_intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": amount if settled else 0,
            "created": now,
            "currency": currency,
            "latest_charge": charge_id,
            "livemode": False,
            "metadata": metadata,
            "payment_method_types": [details["type"]],
            "status": "succeeded" if settled else "processing",
        }
        return intent_id

    # --- Payment intents, charges, refunds -------------------------------------------

    def payment_intent_get(self, intent_id: str) -> dict[str, Any]:
        with self.lock:
            if intent_id not in self.payment_intents:
                raise _missing("payment_intent", intent_id, "intent")
            return copy.deepcopy(self.payment_intents[intent_id])

    def charge_get(self, charge_id: str) -> dict[str, Any]:
        with self.lock:
            if charge_id not in self.charges:
                raise _missing("charge", charge_id, "charge")
            return copy.deepcopy(self.charges[charge_id])

    def refund_get(self, refund_id: str) -> dict[str, Any]:
        with self.lock:
            if refund_id not in self.refunds:
                raise _missing("refund", refund_id, "refund")
            return copy.deepcopy(self.refunds[refund_id])

    def refund_create(self, params: dict[str, Any]) -> dict[str, Any]:
        _refuse_unknown(params, REFUND_CREATE_PARAMS)
        if params.get("payment_intent"):
            intent = self.payment_intents.get(params["payment_intent"])
            if intent is None:
                raise _missing("payment_intent", params["payment_intent"], "payment_intent")
            charge = self.charges[intent["latest_charge"]]
        elif params.get("charge"):
            charge = self.charges.get(params["charge"])
            if charge is None:
                raise _missing("charge", params["charge"], "charge")
        else:
            raise StripeError(
                400,
                "One of the following params should be provided for this request: payment_intent or charge.",
                code="parameter_missing",
            )
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining == 0:
            raise StripeError(
                400,
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = _int_param(params.get("amount", remaining), "amount", minimum=1)
        if amount > remaining:
            raise StripeError(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})",
                code="amount_too_large",
                param="amount",
            )
        refund_id = _id("re")
        refund = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "created": self.now(),
            "currency": charge["currency"],
            "metadata": _metadata(params.get("metadata"), "metadata"),
            "payment_intent": charge["payment_intent"],
            "reason": params.get("reason"),
            "status": "succeeded",
        }
        self.refunds[refund_id] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        charge["refunds"]["data"].insert(0, copy.deepcopy(refund))
        charge["refunds"]["total_count"] += 1
        self._emit("charge.refunded", charge)
        return copy.deepcopy(refund)

    # --- Idempotency ------------------------------------------------------------------

    def idempotent(
        self, key: str | None, fingerprint: str, run
    ) -> tuple[int, dict[str, Any], bool]:
        """(status, body, replayed). Only successful results are kept, like Stripe."""
        with self.lock:
            if key and key in self._idempotency:
                seen_fingerprint, status, body = self._idempotency[key]
                if seen_fingerprint != fingerprint:
                    raise StripeError(
                        400,
                        f"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request.",
                        type="idempotency_error",
                    )
                return status, copy.deepcopy(body), True
            body = run()
            if key:
                self._idempotency[key] = (fingerprint, 200, copy.deepcopy(body))
            return 200, body, False

    # --- Events and webhook delivery ----------------------------------------------------

    def _emit(self, event_type: str, obj: dict[str, Any]) -> EventRecord:
        event = {
            "id": _id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": self.now(),
            "data": {"object": copy.deepcopy(obj)},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
        record = EventRecord(event=event, payload=json.dumps(event, indent=2))
        self.events.append(record)
        if self.auto_deliver and self.webhook_url:
            threading.Thread(
                target=self._deliver_with_retries, args=(record, self.webhook_url), daemon=True
            ).start()
        return record

    def events_list(self, *, event_type: str = "", related_to: str = "") -> list[dict[str, Any]]:
        with self.lock:
            self.expire_due()
            records = list(self.events)
        result = []
        for record in records:
            obj = record.event["data"]["object"]
            if event_type and record.event["type"] != event_type:
                continue
            if related_to and related_to not in (obj.get("id"), obj.get("payment_intent")):
                continue
            result.append(
                {
                    "id": record.event["id"],
                    "type": record.event["type"],
                    "payload": record.payload,
                    "signature_header": sign(record.payload, self.webhook_secret),
                    "delivered": record.delivered,
                    "attempts": list(record.attempts),
                    "event": record.event,
                }
            )
        return result

    def event_deliver(self, event_id: str) -> int:
        with self.lock:
            record = next((r for r in self.events if r.event["id"] == event_id), None)
        if record is None:
            raise _missing("event", event_id, "id")
        if not self.webhook_url:
            raise StripeError(400, "No webhook URL configured.")
        return self._deliver_once(record, self.webhook_url)

    def _deliver_with_retries(self, record: EventRecord, url: str) -> None:
        for delay in (0.0, *self.retry_delays):
            time.sleep(delay)
            if record.delivered:  # e.g. delivered by hand meanwhile
                return
            status = self._deliver_once(record, url)
            if 200 <= status < 300:
                return
        self.log(f"gave up delivering {record.event['type']} {record.event['id']}")

    def _deliver_once(self, record: EventRecord, url: str) -> int:
        request = urllib.request.Request(
            url,
            data=record.payload.encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": sign(record.payload, self.webhook_secret),
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (OSError, ValueError):  # refused, reset, timed out, bad URL
            status = 0
        with self.lock:
            record.attempts.append({"status": status, "at": time.time()})
            if 200 <= status < 300:
                record.delivered = True
        self.log(f"webhook {record.event['type']} {record.event['id']} -> {status or 'no answer'}")
        return status


# --- HTTP -----------------------------------------------------------------------------


def _money(minor: int, currency: str) -> str:
    amount = f"{minor / 100:,.2f}"
    return f"${amount}" if currency == "usd" else f"{amount} {currency.upper()}"


_STYLE = """
body{font-family:system-ui,sans-serif;background:#f6f9fc;color:#1a1f36;margin:0}
main{max-width:28rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;
box-shadow:0 2px 8px rgba(0,0,0,.08)}
label{display:block;margin-top:1rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #8792a2;
border-radius:4px}
button{margin-top:1.25rem;width:100%;padding:.75rem;font-size:1rem;background:#0a5c36;color:#fff;
border:0;border-radius:4px;cursor:pointer}
button.secondary{background:#fff;color:#8a1c1c;border:1px solid #8a1c1c}
.notice{background:#fff8e1;padding:.5rem;border-radius:4px;font-size:.9rem}
.error{color:#8a1c1c;background:#fdecea;padding:.6rem;border-radius:4px;font-weight:600}
"""


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body><main>"
        '<p class="notice">Stripe stand-in (test mode): no real card is charged.</p>'
        f"{body}</main></body></html>"
    )


def payment_page(
    session: dict[str, Any], names: list[str], *, error: str = "", card: str = "", email: str = ""
) -> str:
    e = html.escape
    total = _money(session["amount_total"], session["currency"])
    error_html = f'<p class="error" role="alert" id="card-error">{e(error)}</p>' if error else ""
    described = ' aria-describedby="card-error" aria-invalid="true"' if error else ""
    cancel = (
        f'<p><a href="{e(session["cancel_url"])}">Cancel and return to the shop</a></p>'
        if session.get("cancel_url")
        else ""
    )
    cards = "".join(f"<li><code>{n}</code> {e(what)}</li>" for n, what in TEST_CARDS.items())
    return _page(
        f"Pay {total}",
        f"{cancel}<h1>Pay {e(total)}</h1><p>{e(', '.join(names))}</p>{error_html}"
        f'<form method="post" action="/pay/{e(session["id"])}">'
        '<label for="email">Email</label>'
        f'<input id="email" name="email" type="email" autocomplete="email" value="{e(email or session.get("customer_email") or "")}">'
        '<label for="cardnumber">Card number</label>'
        f'<input id="cardnumber" name="cardnumber" inputmode="numeric" autocomplete="cc-number" required value="{e(card)}"{described}>'
        '<label for="exp">Expiry date (MM / YY)</label>'
        '<input id="exp" name="exp" autocomplete="cc-exp" placeholder="MM / YY" required>'
        '<label for="cvc">Security code (CVC)</label>'
        '<input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" required>'
        f'<button type="submit">Pay {e(total)}</button></form>'
        f"<h2>Test cards</h2><ul>{cards}</ul><p>Any future expiry date and any 3-digit CVC.</p>",
    )


def authentication_page(session: dict[str, Any], token: str) -> str:
    e = html.escape
    action = f"/pay/{e(session['id'])}/authenticate/{e(token)}"
    total = _money(session["amount_total"], session["currency"])
    return _page(
        "3D Secure test page",
        f"<h1>3D Secure 2 test page</h1><p>Authenticate the payment of {e(total)}.</p>"
        f'<form method="post" action="{action}"><button type="submit" name="result" value="approve">Approve</button></form>'
        f'<form method="post" action="{action}"><button class="secondary" type="submit" name="result" value="fail">Fail</button></form>',
    )


def _card_form_error(exp: str, cvc: str) -> str:
    match = re.fullmatch(r"\s*(\d{1,2})\s*/?\s*(\d{2}|\d{4})\s*", exp or "")
    if not match or not 1 <= int(match.group(1)) <= 12:
        return "Your card's expiration date is incomplete."
    year = int(match.group(2)) % 100 + 2000
    now = time.gmtime()
    if (year, int(match.group(1))) < (now.tm_year, now.tm_mon):
        return "Your card's expiration date is in the past."
    if not re.fullmatch(r"\d{3,4}", (cvc or "").strip()):
        return "Your card's security code is incomplete."
    return ""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "StripeStandin/1.0"
    standin: Standin  # set on the subclass StandinServer makes

    # --- plumbing ---------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        self.standin.log(format % args)

    def _body(self) -> str:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode() if length else ""

    def _params(self, body: str) -> dict[str, Any]:
        if (self.headers.get("Content-Type") or "").startswith("application/json"):
            return json.loads(body or "{}")
        return decode_form(body)

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        headers = {"Request-Id": _id("req"), **(headers or {})}
        self._send(status, json.dumps(data, indent=2).encode(), "application/json", headers)

    def _html(self, status: int, text: str) -> None:
        self._send(status, text.encode(), "text/html; charset=utf-8")

    def _redirect(self, location: str) -> None:
        self._send(303, b"", "text/plain", {"Location": location})

    def _base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{self.headers.get('Host') or f'{host}:{port}'}"

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        body = self._body() if method == "POST" else url.query
        try:
            if path.startswith("/v1/"):
                self._api(method, path, body)
            elif path.startswith("/_standin/"):
                self._control(method, path, body, url.query)
            elif path.startswith("/pay/"):
                self._hosted(method, path, body, url.query)
            else:
                raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")
        except StripeError as exc:
            self._json(exc.status, {"error": exc.body})
        except (ValueError, KeyError, TypeError) as exc:
            self._json(
                400,
                {"error": {"type": "invalid_request_error", "message": f"Invalid request: {exc}"}},
            )

    # --- /v1/: the API the stripe client calls ----------------------------------------------

    def _invalid_key(self) -> StripeError:
        shown = (self.headers.get("Authorization") or "").removeprefix("Bearer ")[:8]
        return StripeError(401, f"Invalid API Key provided: {shown}***")

    def _api(self, method: str, path: str, body: str) -> None:
        fault = self.standin.fault_take(path)
        if fault is not None:
            self._fault(fault, body)
            return
        if (self.headers.get("Authorization") or "") != f"Bearer {self.standin.api_key}":
            raise self._invalid_key()
        params = self._params(body)
        standin = self.standin
        version = self.headers.get("Stripe-Version") or ""
        routes = [
            (
                "POST",
                r"/v1/checkout/sessions",
                lambda: standin.session_create(
                    params, base_url=self._base_url(), api_version=version
                ),
            ),
            ("GET", r"/v1/checkout/sessions", lambda: standin.session_list(params)),
            ("GET", r"/v1/checkout/sessions/(?P<id>[\w-]+)", lambda id: standin.session_get(id)),
            (
                "POST",
                r"/v1/checkout/sessions/(?P<id>[\w-]+)/expire",
                lambda id: standin.session_expire(id),
            ),
            ("POST", r"/v1/refunds", lambda: standin.refund_create(params)),
            ("GET", r"/v1/refunds/(?P<id>[\w-]+)", lambda id: standin.refund_get(id)),
            (
                "GET",
                r"/v1/payment_intents/(?P<id>[\w-]+)",
                lambda id: standin.payment_intent_get(id),
            ),
            ("GET", r"/v1/charges/(?P<id>[\w-]+)", lambda id: standin.charge_get(id)),
        ]
        for route_method, pattern, view in routes:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                key = self.headers.get("Idempotency-Key") if method == "POST" else None
                fingerprint = json.dumps([method, path, params], sort_keys=True)
                status, data, replayed = standin.idempotent(
                    key, fingerprint, functools.partial(view, **match.groupdict())
                )
                headers = {"Idempotency-Key": key} if key else {}
                if replayed:
                    headers["Idempotent-Replayed"] = "true"
                self._json(status, data, headers)
                return
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    def _fault(self, fault: Fault, body: str) -> None:
        """Answer an API request as the injected fault says, touching no state."""
        if fault.mode == "hang":
            # The request was read; answer nothing until released, then drop the connection
            # (the request is lost, so nothing was created).
            fault.released.wait(fault.hang_seconds)
            self.close_connection = True
            return
        if fault.mode == "error_401":
            raise self._invalid_key()
        if fault.mode == "error_500":
            raise StripeError(
                500,
                "Something went wrong on Stripe's end (injected by the stand-in: error_500).",
                type="api_error",
            )
        try:
            param = next(iter(self._params(body)), "id")
        except ValueError:
            param = "id"
        raise StripeError(
            400,
            f"You passed an empty string for '{param}'. We assume empty values are an attempt to "
            f"unset a parameter; however '{param}' cannot be unset. You should remove '{param}' "
            "from your request or supply a non-empty value. (Injected by the stand-in: error_400.)",
            code="parameter_invalid_empty",
            param=param,
        )

    # --- /_standin/: controls for tests ------------------------------------------------

    def _control(self, method: str, path: str, body: str, query: str) -> None:
        standin = self.standin
        params = self._params(body) if method == "POST" else decode_form(query)
        if path == "/_standin/config":
            if method == "POST":
                if "webhook_url" in params:
                    standin.webhook_url = str(params["webhook_url"])
                if "auto_deliver" in params:
                    standin.auto_deliver = str(params["auto_deliver"]).lower() in (
                        "1",
                        "true",
                        "on",
                        "yes",
                    )
                if "retry_delays" in params:
                    delays = params["retry_delays"]
                    if isinstance(delays, str):
                        delays = [d for d in delays.split(",") if d.strip()]
                    standin.retry_delays = tuple(float(d) for d in delays)
            self._json(
                200,
                {
                    "webhook_url": standin.webhook_url,
                    "auto_deliver": standin.auto_deliver,
                    "retry_delays": list(standin.retry_delays),
                },
            )
        elif path == "/_standin/events" and method == "GET":
            data = standin.events_list(
                event_type=params.get("type", ""), related_to=params.get("related_to", "")
            )
            self._json(200, {"object": "list", "data": data})
        elif (
            match := re.fullmatch(r"/_standin/events/([\w-]+)/deliver", path)
        ) and method == "POST":
            self._json(200, {"status": standin.event_deliver(match.group(1))})
        elif (match := re.fullmatch(r"/_standin/sessions/([\w-]+)/pay", path)) and method == "POST":
            outcome = standin.session_pay(
                match.group(1),
                str(params.get("card", "")),
                three_d_secure=params.get("three_d_secure") or "approve",
                method=str(params.get("method") or "card"),
            )
            self._json(200, outcome)
        elif (
            match := re.fullmatch(r"/_standin/sessions/([\w-]+)/async_result", path)
        ) and method == "POST":
            outcome = str(params.get("outcome", ""))
            self._json(200, standin.session_async_result(match.group(1), outcome))
        elif path == "/_standin/faults" and method in ("GET", "POST"):
            if method == "POST":
                fault = standin.fault_set(
                    mode=params.get("mode"),
                    count=params.get("count"),
                    path_prefix=params.get("path_prefix"),
                    hang_seconds=params.get("hang_seconds"),
                )
            else:
                fault = standin.fault_get()
            self._json(200, fault)
        elif path == "/_standin/clock" and method in ("GET", "POST"):
            if method == "POST":
                self._json(200, standin.clock_advance(params.get("advance", "")))
            else:
                self._json(200, standin.clock())
        elif (
            match := re.fullmatch(r"/_standin/sessions/([\w-]+)/expire", path)
        ) and method == "POST":
            self._json(200, standin.session_expire(match.group(1)))
        elif path == "/_standin/reset" and method == "POST":
            standin.reset()
            self._json(200, {"reset": True})
        else:
            raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    # --- /pay/: the hosted payment page -----------------------------------------------------

    def _hosted(self, method: str, path: str, body: str, query: str) -> None:
        standin = self.standin
        match = re.fullmatch(r"/pay/([\w-]+)(?:/authenticate/([\w-]+))?", path)
        if not match:
            raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")
        session_id, token = match.groups()
        try:
            session = standin.session_get(session_id)
        except StripeError:
            self._html(
                404,
                _page(
                    "Not found",
                    "<h1>Something went wrong</h1><p>The page you were looking for could not be found.</p>",
                ),
            )
            return
        if session["status"] == "complete":
            self._redirect(self._success_url(session))
            return
        if session["status"] != "open":
            self._html(
                410,
                _page(
                    "Session expired",
                    "<h1>This checkout session has expired</h1><p>Return to the shop to try again.</p>",
                ),
            )
            return
        names = standin.session_private[session_id]["names"]
        form = decode_form(body) if method == "POST" else {}
        if token is not None:
            if method == "GET":
                self._html(200, authentication_page(session, token))
                return
            try:
                paid = standin.session_authenticate(
                    session_id, token, approve=form.get("result") == "approve"
                )
            except StripeError as exc:
                code = "authentication_failed" if exc.status == 402 else ""
                self._redirect(f"/pay/{session_id}" + (f"?error={code}" if code else ""))
                return
            self._redirect(self._success_url(paid))
            return
        if method == "GET":
            error = _PAGE_MESSAGES.get(decode_form(query).get("error", ""), "")
            self._html(200, payment_page(session, names, error=error))
            return
        card = str(form.get("cardnumber", ""))
        error = _card_form_error(str(form.get("exp", "")), str(form.get("cvc", "")))
        if not error:
            try:
                outcome = standin.session_pay(session_id, card)
            except StripeError as exc:
                error = exc.body["message"]
            else:
                if "requires_action" in outcome:
                    self._redirect(
                        f"/pay/{session_id}/authenticate/{quote(outcome['requires_action'])}"
                    )
                else:
                    self._redirect(self._success_url(outcome))
                return
        self._html(
            200,
            payment_page(session, names, error=error, card=card, email=str(form.get("email", ""))),
        )

    @staticmethod
    def _success_url(session: dict[str, Any]) -> str:
        return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # keep-alive connections would otherwise hold server_close()


class StandinServer:
    """The stand-in on 127.0.0.1 in a background thread: `server.start()`, `server.url`, `server.stop()`.

    `port=0` picks a free port. `state` is the `Standin` (tests may also use the HTTP controls).
    Both `start()` and `serve_forever()` also run the sweeper, a thread that expires due
    sessions about once a second, so their webhooks come without anyone asking.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str = DEFAULT_API_KEY,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
        webhook_url: str = "",
        auto_deliver: bool = True,
        retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS,
        quiet: bool = True,
    ):
        log = (
            None
            if quiet
            else (lambda message: print(f"stripe-standin: {message}", file=sys.stderr, flush=True))
        )
        self.state = Standin(
            api_key=api_key,
            webhook_secret=webhook_secret,
            webhook_url=webhook_url,
            auto_deliver=auto_deliver,
            retry_delays=retry_delays,
            log=log,
        )
        handler = type("BoundHandler", (Handler,), {"standin": self.state})
        self.httpd = _Server((host, port), handler)
        self.host, self.port = self.httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._thread: threading.Thread | None = None
        self._sweeper: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> StandinServer:
        self._start_sweeper()
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, name="stripe-standin", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._start_sweeper()
        self.httpd.serve_forever()

    def stop(self) -> None:
        """Stop serving; requests hanging under a fault are released, not waited for."""
        self._stopping.set()
        self.state.release_hangs()
        self.httpd.shutdown()
        self.httpd.server_close()

    def _start_sweeper(self) -> None:
        if self._sweeper is None:
            self._sweeper = threading.Thread(
                target=self._sweep, name="stripe-standin-sweeper", daemon=True
            )
            self._sweeper.start()

    def _sweep(self) -> None:
        while not self._stopping.wait(SWEEP_INTERVAL_SECONDS):
            try:
                self.state.expire_due()
            except Exception as exc:  # noqa: BLE001  one bad pass must not end all expiry
                self.state.log(f"sweeper: {exc!r}")

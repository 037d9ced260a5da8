"""`Standin`: every object in memory, the clock that expires sessions, idempotency, faults,
and events with their signed webhook deliveries. HTTP handlers only call its methods."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import objects
from .errors import StripeError, missing
from .params import (
    ENDIVE_REMOVES_PAYMENT_METHOD_TYPES,
    PAYMENT_METHOD_TYPES,
    PAYMENT_METHOD_TYPES_REMOVED_HINT,
    REFUND_CREATE,
    SESSION_CREATE,
    SESSION_CREATE_BEFORE_ENDIVE,
    SESSION_LIST,
    checked,
    integer,
)

DEFAULT_API_KEY = "sk_test_standin"
DEFAULT_WEBHOOK_SECRET = "whsec_standin_local_only_not_a_secret"
DEFAULT_RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 16.0)  # Stripe retries for days; we stop after ~30 s
SESSION_LIFETIME_SECONDS = 24 * 60 * 60  # Stripe's default and maximum expires_at
SESSION_MIN_LIFETIME_SECONDS = 30 * 60
FAULT_MODES = ("none", "error_500", "error_400", "error_401", "hang")
DEFAULT_HANG_SECONDS = 120.0

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


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header value for `payload`, exactly as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def _parameter_missing(param: str) -> StripeError:
    return StripeError(
        400, f"Missing required param: {param}.", code="parameter_missing", param=param
    )


def _line_items_total(line_items: list[dict[str, Any]]) -> tuple[int, str, list[str]]:
    """(total in minor units, the one currency, product names) of checked line items."""
    total, currency, names = 0, None, []
    for index, item in enumerate(line_items):
        param = f"line_items[{index}]"
        price = item.get("price_data")
        if price is None:
            raise StripeError(
                400,
                "The stand-in needs price_data on every line item.",
                param=f"{param}[price_data]",
            )
        for name in ("currency", "unit_amount"):
            if name not in price:
                raise _parameter_missing(f"{param}[price_data][{name}]")
        if currency not in (None, price["currency"]):
            raise StripeError(
                400,
                "All line items must use the same currency.",
                param=f"{param}[price_data][currency]",
            )
        currency = price["currency"]
        if not (price.get("product_data") or {}).get("name"):
            raise _parameter_missing(f"{param}[price_data][product_data][name]")
        names.append(price["product_data"]["name"])
        total += price["unit_amount"] * item.get("quantity", 1)
    assert currency is not None  # line_items is not empty
    return total, currency, names


def _expires_at(value: int | None, now: int) -> int:
    """Stripe's rule: 30 minutes to 24 hours from creation (default 24 hours)."""
    if value is None:
        return now + SESSION_LIFETIME_SECONDS
    if value < now + SESSION_MIN_LIFETIME_SECONDS:
        raise StripeError(
            400,
            "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.",
            param="expires_at",
        )
    if value > now + SESSION_LIFETIME_SECONDS:
        raise StripeError(
            400,
            "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
            param="expires_at",
        )
    return value


def _check_session_create(params: dict[str, Any], api_version: str) -> tuple[dict[str, Any], str]:
    """The checked parameters and the name of the payment method types parameter."""
    if api_version[:10] >= ENDIVE_REMOVES_PAYMENT_METHOD_TYPES:
        params = checked(params, SESSION_CREATE, hints=PAYMENT_METHOD_TYPES_REMOVED_HINT)
        types_param = "allowed_payment_method_types"
    else:
        params = checked(params, SESSION_CREATE_BEFORE_ENDIVE)
        types_param = "payment_method_types"
    if params.get("mode") != "payment":
        raise StripeError(400, "The stand-in only supports mode=payment.", param="mode")
    for name in ("success_url", "line_items"):
        if not params.get(name):
            raise _parameter_missing(name)
    return params, types_param


def _card_outcome(number: str, three_d_secure: str | None) -> str:
    """ "paid", or "challenge" (3-D Secure asked, not answered); raises the card's error."""
    if number in _DECLINES:
        decline_code, message = _DECLINES[number]
        raise StripeError(
            402, message, type="card_error", code="card_declined", decline_code=decline_code
        )
    if number in _THREE_D_SECURE:
        if three_d_secure is None:
            return "challenge"
        if three_d_secure != "approve":
            raise StripeError(
                402,
                AUTHENTICATION_FAILED,
                type="card_error",
                code="payment_intent_authentication_failure",
            )
        return "paid"
    if number != "4242424242424242":
        raise StripeError(
            402,
            "Your card number is incorrect.",
            type="card_error",
            code="incorrect_number",
            param="number",
        )
    return "paid"


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


def _fault_count(count: Any) -> int:
    times = -1 if count in (None, "") else integer(-1)(count, "count")
    if times == 0:
        raise StripeError(400, "count must be -1 (until cleared) or at least 1.", param="count")
    return times


def _fault_hang_seconds(mode: str, hang_seconds: Any) -> float | None:
    if mode != "hang":
        if hang_seconds not in (None, ""):
            raise StripeError(400, "hang_seconds only applies to mode=hang.", param="hang_seconds")
        return None
    try:
        hang = DEFAULT_HANG_SECONDS if hang_seconds in (None, "") else float(hang_seconds)
    except (TypeError, ValueError):
        raise StripeError(400, f"Invalid number: {hang_seconds}", param="hang_seconds") from None
    if not hang > 0:
        raise StripeError(400, "hang_seconds must be positive.", param="hang_seconds")
    return hang


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
        log: Callable[[str], None] | None = None,
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
        times = _fault_count(count)
        prefix = str(path_prefix or "/v1/")
        if not prefix.startswith("/v1"):
            raise StripeError(400, "Faults only apply to the API (/v1/...).", param="path_prefix")
        hang = _fault_hang_seconds(mode, hang_seconds)
        with self.lock:
            self.fault.released.set()
            self.fault = Fault(
                mode=str(mode), count=times, remaining=times, path_prefix=prefix, hang_seconds=hang
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
        params, types_param = _check_session_create(params, api_version or objects.API_VERSION)
        total, currency, names = _line_items_total(params["line_items"])
        session_id = objects.new_id("cs_test")
        with self.lock:
            now = self.now()
            session = objects.checkout_session(
                params,
                session_id=session_id,
                total=total,
                currency=currency,
                now=now,
                expires_at=_expires_at(params.get("expires_at"), now),
                payment_method_types=params.get(types_param) or list(PAYMENT_METHOD_TYPES),
                url=f"{base_url}/pay/{session_id}",
            )
            intent_data = params.get("payment_intent_data", {})
            self.sessions[session_id] = session
            self.session_private[session_id] = {
                "names": names,
                "intent_metadata": intent_data.get("metadata", {}),
                "intent_description": intent_data.get("description"),
                "pending_3ds": {},  # token -> card number
                "async_pending": False,  # a delayed payment waits for its async_result
            }
            return copy.deepcopy(session)

    def session_get(self, session_id: str) -> dict[str, Any]:
        with self.lock:
            self.expire_due()
            session = self.sessions.get(session_id)
            if session is None:
                raise missing("checkout.session", session_id, "session")
            return copy.deepcopy(session)

    def session_list(self, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first, like Stripe's list; `limit` 1 to 100 (default 10), no pagination."""
        limit = checked(params, SESSION_LIST).get("limit", 10)
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
                raise missing("checkout.session", session_id, "session")
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
            if _card_outcome(number, three_d_secure) == "challenge":
                token = secrets.token_urlsafe(16)
                self.session_private[session_id]["pending_3ds"][token] = number
                return {"requires_action": token}
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
            raise missing("checkout.session", session_id, "session")
        if session["status"] != "open":
            raise StripeError(
                400,
                f"This Checkout Session is no longer active (status {session['status']}).",
                code="checkout_session_not_open",
            )
        return session

    def _complete(self, session: dict[str, Any], number: str) -> dict[str, Any]:
        details = {"type": "card", "card": {"brand": "visa", "last4": number[-4:]}}
        return self._complete_with(session, details, settled=True)

    def _complete_delayed(self, session: dict[str, Any]) -> dict[str, Any]:
        # Like Stripe's bank debits: the session completes and its payment intent exists
        # ("processing", charge "pending"), but nothing is paid until the async result.
        details = {
            "type": "us_bank_account",
            "us_bank_account": {"bank_name": "STRIPE TEST BANK", "last4": "6789"},
        }
        self.session_private[session["id"]]["async_pending"] = True
        return self._complete_with(session, details, settled=False)

    def _complete_with(
        self, session: dict[str, Any], details: dict[str, Any], *, settled: bool
    ) -> dict[str, Any]:
        intent_id = self._payment_create(session, details, settled=settled)
        session.update(
            status="complete",
            payment_status="paid" if settled else "unpaid",
            payment_intent=intent_id,
            customer_details=objects.customer_details(session["customer_email"]),
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
                raise missing("checkout.session", session_id, "session")
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
        private = self.session_private[session["id"]]
        intent_id, charge_id = objects.new_id("pi"), objects.new_id("ch")
        charge = objects.charge(
            charge_id=charge_id,
            intent_id=intent_id,
            amount=session["amount_total"],
            currency=session["currency"],
            now=self.now(),
            metadata=dict(private["intent_metadata"]),
            details=details,
            settled=settled,
        )
        self.charges[charge_id] = charge
        self.payment_intents[intent_id] = objects.payment_intent(
            intent_id=intent_id, charge=charge, description=private["intent_description"]
        )
        return intent_id

    # --- Payment intents, charges, refunds -------------------------------------------

    def payment_intent_get(self, intent_id: str) -> dict[str, Any]:
        return self._get(self.payment_intents, "payment_intent", intent_id, "intent")

    def charge_get(self, charge_id: str) -> dict[str, Any]:
        return self._get(self.charges, "charge", charge_id, "charge")

    def refund_get(self, refund_id: str) -> dict[str, Any]:
        return self._get(self.refunds, "refund", refund_id, "refund")

    def _get(self, store: dict[str, Any], kind: str, object_id: str, param: str) -> dict[str, Any]:
        with self.lock:
            if object_id not in store:
                raise missing(kind, object_id, param)
            return copy.deepcopy(store[object_id])

    def _refunded_charge(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("payment_intent"):
            intent = self.payment_intents.get(params["payment_intent"])
            if intent is None:
                raise missing("payment_intent", params["payment_intent"], "payment_intent")
            return self.charges[intent["latest_charge"]]
        if params.get("charge"):
            charge = self.charges.get(params["charge"])
            if charge is None:
                raise missing("charge", params["charge"], "charge")
            return charge
        raise StripeError(
            400,
            "One of the following params should be provided for this request: payment_intent or charge.",
            code="parameter_missing",
        )

    def refund_create(self, params: dict[str, Any]) -> dict[str, Any]:
        params = checked(params, REFUND_CREATE)
        with self.lock:
            charge = self._refunded_charge(params)
            remaining = charge["amount"] - charge["amount_refunded"]
            if remaining == 0:
                raise StripeError(
                    400,
                    f"Charge {charge['id']} has already been refunded.",
                    code="charge_already_refunded",
                )
            amount = params.get("amount", remaining)
            if amount > remaining:
                raise StripeError(
                    400,
                    f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})",
                    code="amount_too_large",
                    param="amount",
                )
            refund = objects.refund(
                params, refund_id=objects.new_id("re"), amount=amount, charge=charge, now=self.now()
            )
            self.refunds[refund["id"]] = refund
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            charge["refunds"]["data"].insert(0, copy.deepcopy(refund))
            charge["refunds"]["total_count"] += 1
            self._emit("charge.refunded", charge)
            return copy.deepcopy(refund)

    # --- Idempotency ------------------------------------------------------------------

    def idempotent(
        self, key: str | None, fingerprint: str, run: Callable[[], dict[str, Any]]
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
        event = objects.event(event_type, copy.deepcopy(obj), now=self.now())
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
        return [
            {
                "id": record.event["id"],
                "type": record.event["type"],
                "payload": record.payload,
                "signature_header": sign(record.payload, self.webhook_secret),
                "delivered": record.delivered,
                "attempts": list(record.attempts),
                "event": record.event,
            }
            for record in records
            if _event_matches(record.event, event_type, related_to)
        ]

    def event_deliver(self, event_id: str) -> int:
        with self.lock:
            record = next((r for r in self.events if r.event["id"] == event_id), None)
        if record is None:
            raise missing("event", event_id, "id")
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


def _event_matches(event: dict[str, Any], event_type: str, related_to: str) -> bool:
    obj = event["data"]["object"]
    if event_type and event["type"] != event_type:
        return False
    return not related_to or related_to in (obj.get("id"), obj.get("payment_intent"))

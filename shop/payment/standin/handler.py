"""The stand-in's HTTP side: request parsing, routing (/v1/ API, /_standin/ controls, /pay/
hosted page), API keys, idempotency keys, injected faults, and Stripe's error shapes."""

from __future__ import annotations

import functools
import json
import re
from http.server import BaseHTTPRequestHandler
from typing import Any, cast
from urllib.parse import quote, urlsplit

from . import pages
from .control_routes import control
from .errors import StripeError, unrecognized
from .objects import new_id
from .params import (
    EXPIRE,
    PAYMENT_INTENT_RETRIEVE,
    RETRIEVE,
    checked,
    decode_form,
    idempotency_key,
)
from .state import Fault, Standin

View = Any  # (handler, params, **path ids) -> the JSON answer


def _session_create(handler: Handler, params: dict[str, Any]) -> dict[str, Any]:
    return handler.standin.session_create(
        params,
        base_url=handler.base_url(),
        api_version=handler.headers.get("Stripe-Version") or "",
    )


def _retrieve(getter: str, schema: dict[str, Any] = RETRIEVE) -> View:
    def view(handler: Handler, params: dict[str, Any], id: str) -> dict[str, Any]:
        checked(params, schema)
        return getattr(handler.standin, getter)(id)

    return view


def _session_expire(handler: Handler, params: dict[str, Any], id: str) -> dict[str, Any]:
    checked(params, EXPIRE)
    return handler.standin.session_expire(id)


_ID = r"(?P<id>[\w-]+)"
API_ROUTES: list[tuple[str, str, View]] = [
    ("POST", r"/v1/checkout/sessions", _session_create),
    ("GET", r"/v1/checkout/sessions", lambda handler, params: handler.standin.session_list(params)),
    ("GET", rf"/v1/checkout/sessions/{_ID}", _retrieve("session_get")),
    ("POST", rf"/v1/checkout/sessions/{_ID}/expire", _session_expire),
    ("POST", r"/v1/refunds", lambda handler, params: handler.standin.refund_create(params)),
    ("GET", rf"/v1/refunds/{_ID}", _retrieve("refund_get")),
    (
        "GET",
        rf"/v1/payment_intents/{_ID}",
        _retrieve("payment_intent_get", PAYMENT_INTENT_RETRIEVE),
    ),
    ("GET", rf"/v1/charges/{_ID}", _retrieve("charge_get")),
]


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
        headers = {"Request-Id": new_id("req"), **(headers or {})}
        self._send(status, json.dumps(data, indent=2).encode(), "application/json", headers)

    def _html(self, status: int, text: str) -> None:
        self._send(status, text.encode(), "text/html; charset=utf-8")

    def _redirect(self, location: str) -> None:
        self._send(303, b"", "text/plain", {"Location": location})

    def base_url(self) -> str:
        host, port = cast(tuple[str, int], self.server.server_address)[:2]
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
                self._json(200, control(self.standin, method, path, self._params(body)))
            elif path.startswith("/pay/"):
                self._hosted(method, path, body, url.query)
            else:
                raise unrecognized(method, path)
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
        for route_method, pattern, view in API_ROUTES:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                self._api_call(
                    method, path, params, functools.partial(view, self, params, **match.groupdict())
                )
                return
        raise unrecognized(method, path)

    def _api_call(self, method: str, path: str, params: dict[str, Any], run: Any) -> None:
        """Run an API view under its idempotency key (POST only, like Stripe) and answer."""
        key = idempotency_key(self.headers.get("Idempotency-Key")) if method == "POST" else None
        fingerprint = json.dumps([method, path, params], sort_keys=True)
        status, data, replayed = self.standin.idempotent(key, fingerprint, run)
        headers = {"Idempotency-Key": key} if key else {}
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        self._json(status, data, headers)

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

    # --- /pay/: the hosted payment page -----------------------------------------------------

    def _hosted(self, method: str, path: str, body: str, query: str) -> None:
        match = re.fullmatch(r"/pay/([\w-]+)(?:/authenticate/([\w-]+))?", path)
        if not match:
            raise unrecognized(method, path)
        session_id, token = match.groups()
        try:
            session = self.standin.session_get(session_id)
        except StripeError:
            self._html(404, pages.NOT_FOUND)
            return
        if session["status"] == "complete":
            self._redirect(self._success_url(session))
        elif session["status"] != "open":
            self._html(410, pages.EXPIRED)
        elif token is not None:
            self._authentication(method, session, token, decode_form(body))
        elif method == "GET":
            error = pages.PAGE_MESSAGES.get(decode_form(query).get("error", ""), "")
            self._html(200, pages.payment_page(session, self._names(session), error=error))
        else:
            self._card_form(session, decode_form(body))

    def _names(self, session: dict[str, Any]) -> list[str]:
        return self.standin.session_private[session["id"]]["names"]

    def _authentication(
        self, method: str, session: dict[str, Any], token: str, form: dict[str, Any]
    ) -> None:
        """The 3-D Secure page, and its Approve or Fail answer."""
        if method == "GET":
            self._html(200, pages.authentication_page(session, token))
            return
        try:
            paid = self.standin.session_authenticate(
                session["id"], token, approve=form.get("result") == "approve"
            )
        except StripeError as exc:
            code = "authentication_failed" if exc.status == 402 else ""
            self._redirect(f"/pay/{session['id']}" + (f"?error={code}" if code else ""))
            return
        self._redirect(self._success_url(paid))

    def _card_form(self, session: dict[str, Any], form: dict[str, Any]) -> None:
        """The payment form posted: pay, ask for 3-D Secure, or show the form with the error."""
        card = str(form.get("cardnumber", ""))
        error = pages.card_form_error(str(form.get("exp", "")), str(form.get("cvc", "")))
        if not error:
            try:
                outcome = self.standin.session_pay(session["id"], card)
            except StripeError as exc:
                error = exc.body["message"]
            else:
                if "requires_action" in outcome:
                    token = quote(outcome["requires_action"])
                    self._redirect(f"/pay/{session['id']}/authenticate/{token}")
                else:
                    self._redirect(self._success_url(outcome))
                return
        email = str(form.get("email", ""))
        self._html(
            200,
            pages.payment_page(session, self._names(session), error=error, card=card, email=email),
        )

    @staticmethod
    def _success_url(session: dict[str, Any]) -> str:
        return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])

"""The server side of the /_standin/ test controls (`control.py` is the client side).

No authentication; JSON in and out, forms accepted too:
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

import re
from collections.abc import Callable
from typing import Any

from .errors import unrecognized
from .state import Standin

View = Callable[..., Any]  # (standin, params, **path ids) -> the JSON answer


def _config_get(standin: Standin, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "webhook_url": standin.webhook_url,
        "auto_deliver": standin.auto_deliver,
        "retry_delays": list(standin.retry_delays),
    }


def _config_set(standin: Standin, params: dict[str, Any]) -> dict[str, Any]:
    if "webhook_url" in params:
        standin.webhook_url = str(params["webhook_url"])
    if "auto_deliver" in params:
        standin.auto_deliver = str(params["auto_deliver"]).lower() in ("1", "true", "on", "yes")
    if "retry_delays" in params:
        delays = params["retry_delays"]
        if isinstance(delays, str):
            delays = [d for d in delays.split(",") if d.strip()]
        standin.retry_delays = tuple(float(d) for d in delays)
    return _config_get(standin, params)


def _events(standin: Standin, params: dict[str, Any]) -> dict[str, Any]:
    data = standin.events_list(
        event_type=params.get("type", ""), related_to=params.get("related_to", "")
    )
    return {"object": "list", "data": data}


def _deliver(standin: Standin, params: dict[str, Any], id: str) -> dict[str, Any]:
    return {"status": standin.event_deliver(id)}


def _pay(standin: Standin, params: dict[str, Any], id: str) -> dict[str, Any]:
    return standin.session_pay(
        id,
        str(params.get("card", "")),
        three_d_secure=params.get("three_d_secure") or "approve",
        method=str(params.get("method") or "card"),
    )


def _async_result(standin: Standin, params: dict[str, Any], id: str) -> dict[str, Any]:
    return standin.session_async_result(id, str(params.get("outcome", "")))


def _expire(standin: Standin, params: dict[str, Any], id: str) -> dict[str, Any]:
    return standin.session_expire(id)


def _fault_set(standin: Standin, params: dict[str, Any]) -> dict[str, Any]:
    return standin.fault_set(
        mode=params.get("mode"),
        count=params.get("count"),
        path_prefix=params.get("path_prefix"),
        hang_seconds=params.get("hang_seconds"),
    )


def _reset(standin: Standin, params: dict[str, Any]) -> dict[str, Any]:
    standin.reset()
    return {"reset": True}


_ID = r"(?P<id>[\w-]+)"
ROUTES: list[tuple[str, str, View]] = [
    ("GET", r"/_standin/config", _config_get),
    ("POST", r"/_standin/config", _config_set),
    ("GET", r"/_standin/events", _events),
    ("POST", rf"/_standin/events/{_ID}/deliver", _deliver),
    ("POST", rf"/_standin/sessions/{_ID}/pay", _pay),
    ("POST", rf"/_standin/sessions/{_ID}/async_result", _async_result),
    ("POST", rf"/_standin/sessions/{_ID}/expire", _expire),
    ("GET", r"/_standin/faults", lambda standin, params: standin.fault_get()),
    ("POST", r"/_standin/faults", _fault_set),
    ("GET", r"/_standin/clock", lambda standin, params: standin.clock()),
    ("POST", r"/_standin/clock", lambda s, params: s.clock_advance(params.get("advance", ""))),
    ("POST", r"/_standin/reset", _reset),
]


def control(standin: Standin, method: str, path: str, params: dict[str, Any]) -> Any:
    """The JSON answer of a control request; raises StripeError (404 for an unknown one)."""
    for route_method, pattern, view in ROUTES:
        match = re.fullmatch(pattern, path)
        if match and route_method == method:
            return view(standin, params, **match.groupdict())
    raise unrecognized(method, path)

"""`StandinControl`: the stand-in's /_standin/ test controls over HTTP, for tests and scripts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests


@dataclass(frozen=True)
class SignedEvent:
    id: str
    type: str
    payload: bytes  # the exact body the stand-in POSTs (and signs)
    signature_header: str  # freshly signed when listed, valid for Stripe's 5-minute tolerance
    delivered: bool
    attempts: list[dict[str, Any]]  # [{"status": 200 (0 = no answer), "at": unix time}, ...]
    event: dict[str, Any]


class StandinControl:
    def __init__(self, base_url: str, *, timeout: float = 10):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.timeout = timeout

    def _post(self, path: str, **data: Any) -> requests.Response:
        return self.http.post(f"{self.base_url}{path}", data=data, timeout=self.timeout)

    def configure(
        self,
        *,
        webhook_url: str | None = None,
        auto_deliver: bool | None = None,
        retry_delays: tuple[float, ...] | None = None,
    ) -> dict[str, Any]:
        """Change delivery settings; returns the whole configuration as it now is."""
        data: dict[str, Any] = {}
        if webhook_url is not None:
            data["webhook_url"] = webhook_url
        if auto_deliver is not None:
            data["auto_deliver"] = "true" if auto_deliver else "false"
        if retry_delays is not None:
            data["retry_delays"] = ",".join(str(d) for d in retry_delays)
        response = self._post("/_standin/config", **data)
        response.raise_for_status()
        return response.json()

    def _get(self, path: str) -> dict[str, Any]:
        response = self.http.get(f"{self.base_url}{path}", timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def pay(
        self,
        session_id: str,
        card: str = "4242424242424242",
        *,
        three_d_secure: str = "approve",
        method: str = "card",
    ) -> requests.Response:
        """Complete a session without a browser: 200 with the session, or 402/400 with an error.

        `method="delayed"` pays by bank debit: the session completes with payment_status
        "unpaid" (checkout.session.completed) until `async_result` settles it.
        """
        return self._post(
            f"/_standin/sessions/{session_id}/pay",
            card=card,
            three_d_secure=three_d_secure,
            method=method,
        )

    def async_result(self, session_id: str, outcome: str) -> requests.Response:
        """Settle a delayed payment, `outcome` "succeeded" or "failed": 200 with the session
        (and checkout.session.async_payment_succeeded or _failed), or 400."""
        return self._post(f"/_standin/sessions/{session_id}/async_result", outcome=outcome)

    def fault(
        self,
        mode: str,
        *,
        count: int | None = None,
        path_prefix: str = "",
        hang_seconds: float | None = None,
    ) -> dict[str, Any]:
        """Make the next `count` API requests under `path_prefix` (default every /v1/ request;
        count None: until cleared) fail with `mode`: "error_500", "error_400", "error_401" or
        "hang" (answer nothing for `hang_seconds`, default 120, or until cleared). Returns the
        fault as `faults()` shows it."""
        data: dict[str, Any] = {"mode": mode}
        if count is not None:
            data["count"] = count
        if path_prefix:
            data["path_prefix"] = path_prefix
        if hang_seconds is not None:
            data["hang_seconds"] = hang_seconds
        response = self._post("/_standin/faults", **data)
        response.raise_for_status()
        return response.json()

    def clear_faults(self) -> dict[str, Any]:
        """Back to normal; requests hanging now are released (and get no answer)."""
        return self.fault("none")

    def faults(self) -> dict[str, Any]:
        """{"mode", "count", "remaining", "path_prefix", "hang_seconds", "affected", "active"}."""
        return self._get("/_standin/faults")

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move the stand-in's "now" forward; sessions now past expires_at expire at once.
        Returns {"now", "offset"}. Only reset() sets the offset back to 0."""
        response = self._post("/_standin/clock", advance=seconds)
        response.raise_for_status()
        return response.json()

    def clock(self) -> dict[str, Any]:
        """{"now": the stand-in's unix time, "offset": seconds it runs ahead of real time}."""
        return self._get("/_standin/clock")

    def expire(self, session_id: str) -> requests.Response:
        return self._post(f"/_standin/sessions/{session_id}/expire")

    def events(self, *, type: str = "", related_to: str = "") -> list[SignedEvent]:
        """Every event so far (oldest first), optionally of one type or about one object id
        (a session, payment intent or charge id)."""
        response = self.http.get(
            f"{self.base_url}/_standin/events",
            params={"type": type, "related_to": related_to},
            timeout=self.timeout,
        )
        response.raise_for_status()
        return [
            SignedEvent(
                id=e["id"],
                type=e["type"],
                payload=e["payload"].encode(),
                signature_header=e["signature_header"],
                delivered=e["delivered"],
                attempts=e["attempts"],
                event=e["event"],
            )
            for e in response.json()["data"]
        ]

    def deliver(self, event_id: str) -> int:
        """POST one event to the webhook URL now; returns the endpoint's HTTP status (0: no answer)."""
        response = self._post(f"/_standin/events/{event_id}/deliver")
        response.raise_for_status()
        return response.json()["status"]

    def reset(self) -> None:
        """Forget every object and event, clear the fault, set the clock offset back to 0."""
        self._post("/_standin/reset").raise_for_status()
